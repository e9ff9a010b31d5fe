package dev.pasarela.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The personal data a caller sent, and the check that a refusal does not give it back: error bodies
 * reach logs, proxies and support tickets. {@link Http} runs it on every problem+json answer to a
 * call of the HTTP API (/api/…), so every test that calls the API through it checks its refusals.
 */
public final class PersonalData {

    /** Phone numbers written with their + (E.164) and e-mail addresses, wherever they stand. */
    private static final Pattern PHONE = Pattern.compile("\\+\\d{8,15}");
    private static final Pattern EMAIL = Pattern.compile("[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+");
    /** The fields whose values are a person: a recipient, whatever its form (a number without its +, a PSID). */
    private static final Set<String> PERSON_FIELDS = Set.of("to", "phone", "from", "recipient", "email", "replyTo",
            "cc", "bcc");
    /** The fields whose values are what people wrote: message texts, subjects, e-mail bodies. */
    private static final Set<String> TEXT_FIELDS = Set.of("body", "text", "html", "subject", "caption", "message");
    private static final int SHORTEST_VALUE = 6;
    private static final ObjectMapper JSON = new ObjectMapper();

    private PersonalData() {}

    /** What {@code requestBody} holds that a refusal must not repeat. */
    static Set<String> in(String requestBody) {
        Set<String> found = new LinkedHashSet<>();
        if (requestBody == null || requestBody.isEmpty()) {
            return found;
        }
        for (Pattern p : new Pattern[] {PHONE, EMAIL}) {
            Matcher m = p.matcher(requestBody);
            while (m.find()) {
                found.add(m.group().replaceFirst("^\\+", "")); // the digits, whether or not the answer writes the +
            }
        }
        try {
            values(JSON.readTree(requestBody), null, found);
        } catch (IOException notJson) {
            // a malformed body: its numbers and addresses are checked above
        }
        return found;
    }

    private static void values(JsonNode node, String field, Set<String> found) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
                values(e.getValue(), e.getKey(), found);
            }
        } else if (node.isArray()) {
            node.forEach(n -> values(n, field, found));
        } else if (node.isValueNode() && field != null && (PERSON_FIELDS.contains(field) || TEXT_FIELDS.contains(field))
                && node.asText().length() >= SHORTEST_VALUE) {
            found.add(node.asText().replaceFirst("^\\+", ""));
        }
    }

    /** Fails when the problem answered to {@code requestBody} repeats any of its personal data. */
    static void assertNotRepeated(String requestBody, String path, Http.Response answer) {
        for (String value : in(requestBody)) {
            // a whole value (its + may stand before it), not digits inside another number (+5215512345678)
            Pattern repeated = Pattern.compile("(?<![\\w.-])" + Pattern.quote(value) + "(?![\\w-])");
            assertThat(answer.body()).as("the %d problem answered to %s repeats personal data the caller sent"
                    + " (a phone number, an address or a text)", answer.status(), path).doesNotContainPattern(repeated);
        }
    }
}
