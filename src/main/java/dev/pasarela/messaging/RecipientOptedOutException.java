package dev.pasarela.messaging;

/**
 * A provider refused a message because the recipient opted out with it (Twilio's 21610 after a
 * STOP): the conversation with {@code contactId} is marked opted out, as a stop word would.
 */
public class RecipientOptedOutException extends RejectedByProviderException {
    private final String contactId;

    public RecipientOptedOutException(String code, String message, String contactId) {
        super(code, message, false);
        this.contactId = contactId;
    }

    public String contactId() {
        return contactId;
    }
}
