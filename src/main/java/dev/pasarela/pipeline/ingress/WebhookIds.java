package dev.pasarela.pipeline.ingress;

/**
 * The documented limits on the ids a webhook carries (docs/limits.md), checked by every
 * interpreter before anything is deduplicated, looked up or stored: an id longer than the limit
 * or outside printable ASCII is refused at the door with the invalid-payload problem (400), so it
 * never reaches the dedupe table or a store path. The refusal names the field and the length,
 * never the value.
 */
public final class WebhookIds {

    /** Provider ids (event, message, account, customer, phone number ids): Stripe documents 255 for its own. */
    public static final int MAX_ID_LENGTH = 255;
    /** A whole event key ({@code <provider>:<kind>:<ids…>}): the dedupe table's {@code messageId} column. */
    public static final int MAX_EVENT_KEY_LENGTH = 512;

    private WebhookIds() {}

    /** {@code id}, when it is absent or within the limits; otherwise the invalid-payload problem naming {@code field}. */
    public static String check(String field, String id) {
        if (id == null) {
            return null;
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw WebhookInterpreter.invalidPayload("The " + field + " is " + id.length()
                    + " characters long; ids are limited to " + MAX_ID_LENGTH + " printable ASCII characters.");
        }
        if (!printableAscii(id)) {
            throw WebhookInterpreter.invalidPayload("The " + field
                    + " holds characters outside printable ASCII; ids are limited to printable ASCII characters.");
        }
        return id;
    }

    /** The backstop before the dedupe insert, whatever an interpreter composed its key from. */
    public static void checkEventKey(String eventKey) {
        if (eventKey == null || eventKey.isEmpty() || eventKey.length() > MAX_EVENT_KEY_LENGTH) {
            throw WebhookInterpreter.invalidPayload("An event's key is " + (eventKey == null ? 0 : eventKey.length())
                    + " characters long; event keys are limited to " + MAX_EVENT_KEY_LENGTH + " characters.");
        }
        // the key becomes a callback's X-Pasarela-Event-Id, which an HTTP header carries as ASCII only
        if (!printableAscii(eventKey)) {
            throw WebhookInterpreter.invalidPayload("An event's key has characters other than printable ASCII.");
        }
    }

    static boolean printableAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }
}
