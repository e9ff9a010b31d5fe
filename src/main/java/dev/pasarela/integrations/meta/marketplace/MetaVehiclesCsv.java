package dev.pasarela.integrations.meta.marketplace;

import java.util.List;

/**
 * RFC 4180 CSV: CRLF line ends; a field with a comma, a quote, CR or LF (or leading/trailing
 * spaces, which some readers trim) is quoted, with quotes doubled. No spreadsheet formula
 * neutralising (a leading {@code '} before {@code = + - @}): the reader is Meta's catalog
 * ingestion, which would show that quote to buyers; a person opening the feed in a spreadsheet
 * should import it as text.
 */
final class MetaVehiclesCsv {

    private final StringBuilder out = new StringBuilder(8192);

    void row(List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            field(fields.get(i));
        }
        out.append("\r\n");
    }

    private void field(String value) {
        if (value == null || value.isEmpty()) {
            return;
        }
        boolean quote = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
                || value.indexOf('\r') >= 0 || Character.isWhitespace(value.charAt(0))
                || Character.isWhitespace(value.charAt(value.length() - 1));
        if (!quote) {
            out.append(value);
            return;
        }
        out.append('"').append(value.replace("\"", "\"\"")).append('"');
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
