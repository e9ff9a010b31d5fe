package dev.pasarela.messaging;

import dev.pasarela.store.Document;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    /**
     * The conversation's field behind it: the last {@link #KEPT} agents' messages accepted, each
     * {@code {at, messageId}}, oldest first; what {@link #unstamp} puts {@code lastAgentReplyAt} back from.
     */
    static final String RECENT = "agentReplies";
    static final int KEPT = 10;
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
     * What an accepted message adds to its conversation (read in the same transaction):
     * {@code lastAgentReplyAt} and its entry in {@link #RECENT} for a message no automatic sender
     * annotated, nothing for the others. A message to someone who never wrote starts the
     * conversation, and an agent writing first is an agent talking to the customer.
     */
    Map<String, Object> stamp(OutboundRequest r, String messageId, Optional<Document> conversation) {
        if (!byAgent(r.annotations())) {
            return Map.of();
        }
        String now = clock.instant().toString();
        List<Map<String, Object>> recent = recent(conversation);
        recent.add(entry(now, messageId));
        while (recent.size() > KEPT) {
            recent.remove(0);
        }
        return Map.of(LAST_AGENT_REPLY_AT, now, RECENT, recent);
    }

    /**
     * What the conversation becomes when the message's acceptance is undone (it could not be queued):
     * without its entry, {@code lastAgentReplyAt} the latest left, null when none is; empty when the
     * message did not stamp it (not an agent's, or pushed out of {@link #RECENT} since). So automatic
     * replies do not keep quiet for an agent's message that was never sent, whatever order the
     * messages to a contact that failed together are undone in.
     */
    Optional<Map<String, Object>> unstamp(Document conversation, String messageId) {
        List<Map<String, Object>> recent = recent(Optional.of(conversation));
        if (!recent.removeIf(e -> messageId.equals(e.get("messageId")))) {
            return Optional.empty();
        }
        Map<String, Object> fields = new LinkedHashMap<>(); // null values: a merge that clears the field
        fields.put(LAST_AGENT_REPLY_AT, recent.stream().map(e -> (String) e.get("at"))
                .max(Comparator.comparing(Instant::parse)).orElse(null));
        fields.put(RECENT, recent);
        return Optional.of(fields);
    }

    /**
     * The conversation's {@link #RECENT} entries; a {@code lastAgentReplyAt} later than all of them
     * (written by a version without them, during a rolling deploy or before the upgrade) is one
     * more, of a message not named, which no undo takes back.
     */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> recent(Optional<Document> conversation) {
        List<Map<String, Object>> recent = new ArrayList<>();
        conversation.map(c -> c.field(RECENT)).filter(List.class::isInstance)
                .ifPresent(list -> ((List<Object>) list).stream().filter(Map.class::isInstance)
                        .map(e -> (Map<String, Object>) e).filter(e -> e.get("at") instanceof String)
                        .forEach(recent::add));
        Object last = conversation.map(c -> c.field(LAST_AGENT_REPLY_AT)).orElse(null);
        if (last instanceof String at && laterThanAll(at, recent)) {
            recent.add(entry(at, null));
        }
        return recent;
    }

    private static boolean laterThanAll(String at, List<Map<String, Object>> recent) {
        // the usual case, read without parsing: this version writes lastAgentReplyAt with its newest entry
        if (!recent.isEmpty() && at.equals(recent.get(recent.size() - 1).get("at"))) {
            return false;
        }
        Instant last = Instant.parse(at);
        return recent.stream().allMatch(e -> Instant.parse((String) e.get("at")).isBefore(last));
    }

    private static Map<String, Object> entry(String at, String messageId) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("at", at);
        entry.put("messageId", messageId);
        return entry;
    }
}
