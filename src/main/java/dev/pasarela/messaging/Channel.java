package dev.pasarela.messaging;

/**
 * One way of reaching a contact (WhatsApp, Messenger, Instagram, SMS, email), implemented in its
 * provider's package and registered as a bean: the registered beans are the only list of channels.
 * A channel owns its rules: what a request must hold, whom it may reach now, how it is sent.
 *
 * <p>A send goes: the endpoint's record, checked with {@code @Valid} → {@link #validate} (the
 * checks across fields, 400) → {@link #checkAcceptable} (the rules about the recipient now, 422,
 * run once per Idempotency-Key) → queued on {@code out.<name>} → {@link #send} from the queue.
 *
 * @param <R> the channel's request, as queued (its JSON is the {@code request} of a stored message)
 */
public interface Channel<R extends ChannelRequest> {

    /** The name in URLs, queues ({@code out.<name>}), stored messages and notification policies. */
    String name();

    /** The monthly quota of {@code config/plans.yml} a send spends. */
    default String quota() {
        return name();
    }

    Class<R> requestType();

    /**
     * The request as it is queued, after the checks across fields no annotation states; a refusal
     * is a 400 {@code invalid-request} naming the field and the rule.
     */
    R validate(R request);

    /**
     * The channel's rules about the recipient and the tenant at the moment of sending: opted out,
     * outside the service window, a template not approved, a suppressed address. A refusal is a
     * 422 problem.
     */
    void checkAcceptable(String tenantId, String to, R request);

    /**
     * The contact id of the conversation a send to {@code to} belongs to (the id inbound messages
     * carry), so a message sent to a contact lands on their conversation. The same unless the channel
     * writes addresses differently from how its contacts arrive.
     */
    default String contactId(String to) {
        return to;
    }

    /** The reverse of {@link #contactId}: the {@code to} a send to a conversation's contact takes. */
    default String address(String contactId) {
        return contactId;
    }

    /**
     * A plain text message on this channel, for senders that only have a text (an automatic reply).
     * Channels without a free-text message (a template-only one) keep the default.
     */
    default R text(String body) {
        throw new UnsupportedOperationException(name() + " has no plain text message");
    }

    /** Whether the tenant has what this channel needs to send (an account, a token); false skips the channel. */
    default boolean canSend(String tenantId) {
        return true;
    }

    /**
     * What the tenant must set up before {@link #canSend} is true, named for the 409 that refuses a
     * send without it (credential names and fields, never their values).
     */
    default String configurationNeeded() {
        return "the " + name() + " provider's credentials";
    }

    /** What the provider rate-limits sends by (a WhatsApp phone number id, a page): the shaping key. */
    String senderKey(OutboundMessage message);

    /**
     * Sends a queued message. Throws {@link dev.pasarela.pipeline.errors.TransientException} for
     * what a retry may fix and {@link RejectedByProviderException} for a refusal with a code.
     *
     * @param request the message's request, read back as this channel's record
     * @return the provider's id for the message (a WhatsApp wamid, a Messenger mid, a Twilio SID)
     */
    String send(OutboundMessage message, R request);
}
