package dev.pasarela.integrations.ai;

/**
 * An automatic reply the model proposes.
 *
 * @param text    the reply to send, or null when it hands off
 * @param handoff the model is unsure or the customer needs a person: no reply is sent
 * @param reason  why it hands off (never the customer's text)
 */
public record ReplyDraft(String text, boolean handoff, String reason, String model) {

    @Override
    public String toString() {
        return "ReplyDraft[" + (text == null ? 0 : text.length()) + " chars, handoff=" + handoff + ", " + reason + "]";
    }
}
