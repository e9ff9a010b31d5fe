package dev.pasarela.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.pipeline.BrokerSideEnqueue;
import dev.pasarela.pipeline.Variables;
import dev.pasarela.api.ProblemException;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The outbound side of every channel: accepts a message (idempotently), records it at
 * {@code tenants/{t}/messages/{id}} and queues it on {@code out.<channel>}. What became of it
 * is recorded by {@link MessageHistory}.
 *
 * <p>Idempotency: the first answer to an {@code Idempotency-Key} is the answer for
 * {@code pasarela.outbound.idempotency-window} (24 h, as Stripe keeps keys); the same key with
 * a different request is refused. A message recorded but not queued (the process died between
 * the two) is queued again when its key is retried.
 */
@Component
public class Outbox {

    /**
     * The answer to an acceptance. {@code spendsUnit}: the message is paid for by this call's quota
     * unit (a first acceptance, or a retry that queued a message its first call failed to queue and
     * gave the unit back); false for a replay whose message an earlier call paid for.
     */
    public record Accepted(String id, String channel, String status, String createdAt, boolean replayed,
                           boolean spendsUnit) {}

    /**
     * The message could not be queued: a 503. {@code leftOver}: it stays recorded (its undoing failed
     * too) and a retry of its key queues it; the unit the call spent is then the message's to give back
     * (see {@link MessageHistory#giveBackUnit}), not the caller's.
     */
    public static class NotQueuedException extends ProblemException {
        private final boolean leftOver;

        NotQueuedException(boolean leftOver) {
            super(503, "temporarily-unavailable", "Temporarily unavailable",
                    "The message could not be queued; it was not accepted. Retry with the same Idempotency-Key.");
            this.leftOver = leftOver;
        }

        public boolean leftOver() {
            return leftOver;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(Outbox.class);
    private static final Duration REQUEUE_AFTER = Duration.ofSeconds(30);
    /** On a message accepted by a version that names its queued copies (see {@link #mayBeUnqueued}). */
    static final String COPIES_NAMED = "copiesNamed";

    private final DocumentStore store;
    private final ProducerTemplate producer;
    private final BrokerSideEnqueue enqueue;
    private final Duration idempotencyWindow;
    private final Clock clock;
    private final ObjectMapper json;
    private final RequestFingerprints fingerprints;
    private final AgentReplies agentReplies;
    /** Asked for at the first message, not at construction (the channels' beans need the outbox themselves). */
    private org.springframework.beans.factory.ObjectProvider<Channels> channels;
    private volatile Channels resolvedChannels;

    private org.springframework.beans.factory.ObjectProvider<MessageHistory> history;

    @org.springframework.beans.factory.annotation.Autowired
    void setHistory(org.springframework.beans.factory.ObjectProvider<MessageHistory> history) {
        this.history = history;
    }

    @org.springframework.beans.factory.annotation.Autowired
    void setChannels(org.springframework.beans.factory.ObjectProvider<Channels> channels) {
        this.channels = channels;
    }

    public Outbox(DocumentStore store, ProducerTemplate producer, BrokerSideEnqueue enqueue, OutboundProperties properties,
                  Clock clock, ObjectMapper json, RequestFingerprints fingerprints, AgentReplies agentReplies) {
        this.store = store;
        this.producer = producer;
        this.enqueue = enqueue;
        this.idempotencyWindow = properties.idempotencyWindow();
        this.clock = clock;
        this.json = json;
        this.fingerprints = fingerprints;
        this.agentReplies = agentReplies;
    }

    public static String queue(String channel) {
        return "out." + channel;
    }

    private String contactId(String channel, String to) {
        Channels known = resolvedChannels;
        if (known == null && channels != null) {
            // looked up once: the provider's lookup walks the bean factory on every call
            known = channels.getIfAvailable();
            resolvedChannels = known;
        }
        return known == null ? to : known.find(channel).map(c -> c.contactId(to)).orElse(to);
    }

    /** Accepts a message: recorded, then queued; the same Idempotency-Key gets the first answer. */
    public Accepted accept(OutboundRequest r) {
        // stored and queued as a map: the JSON shape a message queued by an earlier version has too
        Map<String, Object> request = asMap(r.request());
        String requestHash = fingerprints.digest(Map.of("channel", r.channel(), "to", r.to(), "request", request));
        String keyPath = r.idempotencyKey() == null ? null : TenantRepository.path(r.tenantId()) + "/idempotencyKeys/"
                + r.channel() + "-" + RequestFingerprints.keyDigest(r.idempotencyKey());
        Instant now = clock.instant();
        boolean known = keyPath != null && store.get(keyPath)
                .map(d -> Instant.parse((String) d.field("expiresAt")).isAfter(now)).orElse(false);
        if (!known) {
            r.checks().run();
        }
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        String contactId = contactId(r.channel(), r.to());
        String conversationPath = ConversationSink.conversationPath(r.tenantId(), r.channel(), contactId);
        boolean byAgent = AgentReplies.byAgent(r.annotations());
        Object[] outcome = store.runTransaction(tx -> {
            Optional<Document> first = keyPath == null ? Optional.empty() : tx.get(keyPath);
            if (first.isPresent() && Instant.parse((String) first.get().field("expiresAt")).isAfter(now)) {
                return new Object[] {first.get().field("messageId"), first.get().field("requestHash")};
            }
            // an agent's stamp keeps the ones before it, for an undo to go back to (no read for the others)
            Map<String, Object> stamp = agentReplies.stamp(r, id,
                    byAgent ? tx.get(conversationPath) : Optional.empty());
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("id", id);
            message.put("direction", "outbound");
            message.put("channel", r.channel());
            message.put("to", r.to());
            message.put("request", request);
            message.put("status", "accepted");
            message.put("statusAt", now.toString());
            message.put("statusHistory", List.of(Map.of("status", "accepted", "at", now.toString())));
            message.put("createdAt", ConversationSink.sortable(now)); // listed newest first by it
            // for versions before named copies, which may share the broker and store during a rolling
            // deploy (or after a rollback): they queue again, on a key's retry, a message without
            // queuedAt, and their consumers do not check which copy sends. Written with the record,
            // so they never queue one of ours again; COPIES_NAMED tells this version to ignore it.
            message.put("queuedAt", now.toString());
            message.put(COPIES_NAMED, true);
            message.putAll(r.annotations());
            message.put("conversationId", ConversationSink.conversationId(r.channel(), contactId));
            tx.set(MessageHistory.messagePath(r.tenantId(), id), message);
            // the conversation lists newest first by its last message, ours included, and knows when an agent
            // last wrote
            Map<String, Object> conversation = new LinkedHashMap<>(stamp);
            conversation.putAll(Map.of("channel", r.channel(), "contactId", contactId,
                    "lastMessageAt", ConversationSink.sortable(now)));
            tx.merge(conversationPath, conversation);
            if (keyPath != null) {
                tx.set(keyPath, Map.of("messageId", id, "requestHash", requestHash, "createdAt", now.toString(),
                        "expiresAt", now.plus(idempotencyWindow).toString()));
            }
            return new Object[] {id, requestHash};
        });
        String messageId = (String) outcome[0];
        if (!messageId.equals(id)) {
            return replay(r, request, requestHash, keyPath, messageId, outcome[1], now);
        }
        try {
            r.onRecorded().accept(id);
            send(r.tenantId(), r.channel(), r.to(), request, id, ConversationSink.sortable(now));
        } catch (RuntimeException e) {
            log.error("Message {} of {} could not be queued: {}", id, r.tenantId(), e.toString());
            boolean leftOver = false;
            try {
                undo(r.tenantId(), id, keyPath, byAgent ? conversationPath : null);
            } catch (RuntimeException undoFailed) {
                // the message stays unqueued and never attempted: a retry of its key queues it (see replay)
                leftOver = true;
                try {
                    history.getObject().giveBackUnit(r.tenantId(), id);
                } catch (RuntimeException alsoFailed) {
                    log.warn("Message {} of {} is left unqueued holding its quota unit: {}", id, r.tenantId(),
                            alsoFailed.toString());
                }
            }
            throw new NotQueuedException(leftOver);
        }
        return new Accepted(id, r.channel(), "accepted", ConversationSink.sortable(now), false, true);
    }

    /**
     * Takes back an acceptance whose message could not be queued, in one transaction: its record, its
     * key, and its agent stamp on the conversation ({@code conversationPath}, null for a message that
     * stamped none), else automatic replies to the contact would keep quiet for a message never sent.
     */
    private void undo(String tenantId, String id, String keyPath, String conversationPath) {
        store.runTransaction(tx -> {
            Optional<Map<String, Object>> unstamped = conversationPath == null ? Optional.empty()
                    : tx.get(conversationPath).flatMap(c -> agentReplies.unstamp(c, id));
            tx.delete(MessageHistory.messagePath(tenantId, id));
            if (keyPath != null) {
                tx.delete(keyPath);
            }
            unstamped.ifPresent(fields -> tx.merge(conversationPath, fields));
            return null;
        });
    }

    /** The key was used before: its first answer, after queueing a message its first call left unqueued. */
    private Accepted replay(OutboundRequest r, Map<String, Object> request, String requestHash, String keyPath,
                           String messageId, Object firstHash, Instant now) {
        if (!requestHash.equals(firstHash)) {
            throw new ProblemException(422, "idempotency-key-reused", "Idempotency key reused",
                    "This Idempotency-Key was first used with a different request; use a new key for a new message.");
        }
        Optional<Document> found = store.get(MessageHistory.messagePath(r.tenantId(), messageId));
        // its first call failed and was undone all but the key (by a version before the undo was one
        // transaction, or its message deleted by hand): start again
        if (found.isEmpty()) {
            store.delete(keyPath);
            return accept(r);
        }
        Document first = found.get();
        boolean spendsUnit = false;
        if (mayBeUnqueued(first, now)) {
            send(r.tenantId(), r.channel(), r.to(), request, messageId, (String) first.field("createdAt"));
            // queued by this call: it pays for the message, unless the first call's unit is still with it
            spendsUnit = takeUnit(r, messageId);
        }
        return new Accepted(messageId, r.channel(), String.valueOf(first.field("status")),
                String.valueOf(first.field("createdAt")), true, spendsUnit);
    }

    /** Queued: if this fails, the message keeps its given-back note and is counted again when it is sent. */
    private boolean takeUnit(OutboundRequest r, String messageId) {
        try {
            return history.getObject().takeUnit(r.tenantId(), messageId, r.annotations().get(MessageHistory.METERED));
        } catch (RuntimeException e) {
            log.warn("Message {} of {} is queued; its quota unit is counted when it is sent: {}", messageId,
                    r.tenantId(), e.toString());
            return false;
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> asMap(ChannelRequest request) {
        return json.convertValue(request, LinkedHashMap.class);
    }

    /**
     * Whether a message its key's retry finds may never have been queued: no send attempted, still
     * {@code accepted} after {@link #REQUEUE_AFTER}. It may instead wait behind a backlog; queued again,
     * it is then on its queue twice, and the first copy to attempt the send is the only one that sends
     * ({@link MessageHistory#sentBy}). {@code queuedAt}: written after queueing by versions before
     * named copies (a message of theirs without it was never queued); ours write it with the record
     * for those versions' sake, and mark it {@link #COPIES_NAMED}.
     */
    private static boolean mayBeUnqueued(Document message, Instant now) {
        return (Boolean.TRUE.equals(message.field(COPIES_NAMED)) || message.field("queuedAt") == null)
                && message.field(MessageHistory.SEND_ATTEMPTS) == null
                && "accepted".equals(message.field("status"))
                && Instant.parse((String) message.field("createdAt")).isBefore(now.minus(REQUEUE_AFTER));
    }

    /**
     * Queues a copy of the message, named so that when a retried key queues it again only one copy
     * sends it. Nothing is written after: the message's record (before this) and its queued copy are
     * all an acceptance is; a retry of the key finds a message that was never queued by its state.
     */
    private void send(String tenantId, String channel, String to, Map<String, Object> request, String id,
                      String createdAt) {
        String copy = "cpy_" + UUID.randomUUID().toString().replace("-", "");
        OutboundMessage m = new OutboundMessage(id, tenantId, channel, to, request, createdAt, copy);
        byte[] body = queued(m);
        Map<String, Object> headers = Map.of(Variables.H_TENANT_ID, tenantId, Variables.H_EVENT_KEY, id,
                Variables.H_EVENT_TYPE, channel + ".message", Variables.H_PROVIDER, channel);
        queueJournaled(queue(channel), body, headers);
    }

    /**
     * Queues a message as the outbox queues every one: journaled before this returns, on the broker's side,
     * else (the queue not made yet, a body or headers that side does not take) through JMS, which makes the
     * queue. Either way never with a consumer's transaction: the broker's side has none, and outboxjms is a
     * connection factory of its own (QueueConfiguration).
     *
     * @throws RuntimeException when the broker did not take it: nothing may be acknowledged
     */
    public void queueJournaled(String queue, byte[] body, Map<String, Object> headers) {
        if (!enqueue.send(queue, body, headers)) {
            producer.sendBodyAndHeaders("outboxjms:queue:" + queue, ExchangePattern.InOnly, body, headers);
        }
    }

    private byte[] queued(OutboundMessage m) {
        try {
            return json.writeValueAsBytes(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public OutboundMessage read(byte[] queued) {
        try {
            return json.readValue(queued, OutboundMessage.class);
        } catch (java.io.IOException e) {
            throw new dev.pasarela.pipeline.errors.PermanentException("queued message is not readable", e);
        }
    }

}
