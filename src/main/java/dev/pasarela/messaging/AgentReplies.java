package dev.pasarela.messaging;

import java.time.Clock;
import java.util.Map;
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
    /** The conversation's field: when an agent's message to the contact was last accepted. */
    public static final String LAST_AGENT_REPLY_AT = "lastAgentReplyAt";
    /** Notifications (reminders, confirmations) are the tenant's system writing, not an agent. */
    private static final String NOTIFICATION = "notificationId";

    private final Clock clock;

    public AgentReplies(Clock clock) {
        this.clock = clock;
    }

    static boolean byAgent(Map<String, Object> annotations) {
        return !annotations.containsKey(ORIGIN) && !annotations.containsKey(NOTIFICATION);
    }

    /**
     * What an accepted message adds to its conversation: {@code lastAgentReplyAt} for a message no
     * automatic sender annotated, nothing for the others. The {@link Outbox} merges it with the
     * message's own record (one transaction), and puts the previous value back if the message cannot
     * be queued: a message to someone who never wrote starts the conversation, and an agent writing
     * first is an agent talking to the customer.
     */
    Map<String, Object> stamp(OutboundRequest r) {
        return byAgent(r.annotations()) ? Map.of(LAST_AGENT_REPLY_AT, clock.instant().toString()) : Map.of();
    }
}
