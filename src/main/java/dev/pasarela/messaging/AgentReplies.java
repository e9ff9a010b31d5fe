package dev.pasarela.messaging;

import java.time.Clock;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Knows when a person last wrote to a contact: a message accepted by the {@link Outbox} that no
 * automatic sender annotated moves the conversation's {@code lastAgentReplyAt}, so automatic
 * replies can keep quiet while a human agent is talking to the customer.
 */
@Component
public class AgentReplies {

    /** The annotation an automatic sender puts on its messages ({@link OutboundRequest#annotations()}). */
    public static final String ORIGIN = "origin";
    public static final String ORIGIN_AUTO_REPLY = "auto-reply";
    /** Notifications (reminders, confirmations) are the tenant's system writing, not an agent. */
    private static final String NOTIFICATION = "notificationId";

    // lazily: the channels are provider beans, looked up when the first message is accepted
    private final ObjectProvider<Channels> channels;
    private final Clock clock;

    public AgentReplies(ObjectProvider<Channels> channels, Clock clock) {
        this.channels = channels;
        this.clock = clock;
    }

    static boolean byAgent(Map<String, Object> annotations) {
        return !annotations.containsKey(ORIGIN) && !annotations.containsKey(NOTIFICATION);
    }

    /**
     * Stamps {@code lastAgentReplyAt} on the conversation the message belongs to, inside the caller's
     * transaction (the {@link Outbox}'s queuedAt write, after the message was queued: a message refused
     * before was never the agent answering). A merge without a read: the outbox's own transaction
     * started or moved the conversation ({@code lastMessageAt}) when it recorded the message.
     */
    void stamp(dev.pasarela.store.StoreTransaction tx, OutboundRequest r) {
        if (!byAgent(r.annotations())) {
            return;
        }
        Channels registry = channels.getIfAvailable();
        String contactId = registry == null ? r.to()
                : registry.find(r.channel()).map(c -> c.contactId(r.to())).orElse(r.to());
        tx.merge(ConversationSink.conversationPath(r.tenantId(), r.channel(), contactId),
                Map.of("lastAgentReplyAt", clock.instant().toString()));
    }
}
