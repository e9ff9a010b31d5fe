package dev.pasarela.messaging;

import dev.pasarela.store.DocumentStore;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    private static final Logger log = LoggerFactory.getLogger(AgentReplies.class);

    private final DocumentStore store;
    // lazily: the channels are provider beans, looked up when the first message is accepted
    private final ObjectProvider<Channels> channels;
    private final Clock clock;

    public AgentReplies(DocumentStore store, ObjectProvider<Channels> channels, Clock clock) {
        this.store = store;
        this.channels = channels;
        this.clock = clock;
    }

    static boolean byAgent(Map<String, Object> annotations) {
        return !annotations.containsKey(ORIGIN) && !annotations.containsKey(NOTIFICATION);
    }

    /**
     * Stamps {@code lastAgentReplyAt} on the conversation the message belongs to, when the contact
     * has one (a message to someone who never wrote starts no conversation). Best effort: the
     * message is accepted either way.
     */
    void accepted(OutboundRequest r) {
        if (!byAgent(r.annotations())) {
            return;
        }
        try {
            store.runTransaction(tx -> {
                stamp(tx, r).run();
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("lastAgentReplyAt not noted for a {} message of {}: {}", r.channel(), r.tenantId(), e.getClass().getName()); // its message may hold the conversation path: a phone number
        }
    }

    /**
     * {@link #accepted} inside the caller's transaction (the {@link Outbox}'s queuedAt write, one commit
     * instead of two): reads the conversation now, returns the write to run after the caller's reads.
     */
    Runnable stamp(dev.pasarela.store.StoreTransaction tx, OutboundRequest r) {
        if (!byAgent(r.annotations())) {
            return () -> {};
        }
        Channels registry = channels.getIfAvailable();
        String contactId = registry == null ? r.to()
                : registry.find(r.channel()).map(c -> c.contactId(r.to())).orElse(r.to());
        String path = ConversationSink.conversationPath(r.tenantId(), r.channel(), contactId);
        if (tx.get(path).isEmpty()) {
            return () -> {};
        }
        String now = clock.instant().toString();
        return () -> tx.merge(path, Map.of("lastAgentReplyAt", now));
    }
}
