package dev.pasarela.integrations.meta.marketplace;

import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 4180 reader for the tests (commons-csv is not on the classpath): quoted fields with doubled
 * quotes, commas, CR and LF inside quotes, CRLF or LF between records. Strict: a quote inside an
 * unquoted field or text after a closing quote is an error, so a badly escaped feed fails the test.
 */
final class Csv {

    private Csv() {
    }

    static List<List<String>> parse(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        boolean quoted = false;
        boolean afterQuote = false;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i += 2;
                        continue;
                    }
                    quoted = false;
                    afterQuote = true;
                } else {
                    field.append(c);
                }
                i++;
                continue;
            }
            if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
                afterQuote = false;
            } else if (c == '\r' || c == '\n') {
                if (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n')) {
                    throw new IllegalArgumentException("bare CR at " + i);
                }
                if (c == '\r') {
                    i++;
                }
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                afterQuote = false;
            } else if (c == '"') {
                if (field.length() > 0 || afterQuote) {
                    throw new IllegalArgumentException("quote inside an unquoted field at " + i);
                }
                quoted = true;
            } else {
                if (afterQuote) {
                    throw new IllegalArgumentException("text after a closing quote at " + i);
                }
                field.append(c);
            }
            i++;
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quoted field");
        }
        if (field.length() > 0 || !row.isEmpty()) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
