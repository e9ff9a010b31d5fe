package dev.pasarela.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pasarela.pipeline.Variables;
import dev.pasarela.api.ProblemException;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.Paths;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
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
 * {@code tenants/{t}/messages/{id}} and queues it on {@code out.<channel>}; later records what
 * became of it. A provider's id for the message is linked at
 * {@code tenants/{t}/messageIds/{channel}:{providerId}} so its status webhooks land on our id.
 *
 * <p>Idempotency: the first answer to an {@code Idempotency-Key} is the answer for
 * {@code pasarela.outbound.idempotency-window} (24 h, as Stripe keeps keys); the same key with
 * a different request is refused. A message recorded but not queued (the process died between
 * the two) is queued again when its key is retried.
 */
@Component
public class Outbox {

    public record Accepted(String id, String channel, String status, String createdAt, boolean replayed) {}

    private static final Logger log = LoggerFactory.getLogger(Outbox.class);
    private static final Duration REQUEUE_AFTER = Duration.ofSeconds(30);

    private final DocumentStore store;
    private final ProducerTemplate producer;
    private final Duration idempotencyWindow;
    private final Clock clock;
    private final ObjectMapper json;
    /** Map keys in order, so a request's fingerprint does not depend on how its fields were put. */
    private final ObjectMapper canonical;

    public Outbox(DocumentStore store, ProducerTemplate producer, OutboundProperties properties, Clock clock,
                  ObjectMapper json) {
        this.store = store;
        this.producer = producer;
        this.idempotencyWindow = properties.idempotencyWindow();
        this.clock = clock;
        this.json = json;
        this.canonical = json.copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    }

    public static String queue(String channel) {
        return "out." + channel;
    }

    public static String messagePath(String tenantId, String messageId) {
        return TenantRepository.path(tenantId) + "/messages/" + Paths.segment(messageId);
    }

    public static String linkPath(String tenantId, String channel, String providerId) {
        return TenantRepository.path(tenantId) + "/messageIds/" + channel + ":" + Paths.segment(providerId);
    }

    /** Accepts a message: recorded, then queued; the same Idempotency-Key gets the first answer. */
    public Accepted accept(OutboundRequest r) {
        // stored and queued as a map: the JSON shape a message queued by an earlier version has too
        Map<String, Object> request = asMap(r.request());
        String requestHash = digest(Map.of("channel", r.channel(), "to", r.to(), "request", request));
        String keyPath = r.idempotencyKey() == null ? null : TenantRepository.path(r.tenantId()) + "/idempotencyKeys/"
                + r.channel() + "-" + keyDigest(r.idempotencyKey());
        Instant now = clock.instant();
        boolean known = keyPath != null && store.get(keyPath)
                .map(d -> Instant.parse((String) d.field("expiresAt")).isAfter(now)).orElse(false);
        if (!known) {
            r.checks().run();
        }
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        Object[] outcome = store.runTransaction(tx -> {
            if (keyPath != null) {
                Optional<Document> first = tx.get(keyPath);
                if (first.isPresent() && Instant.parse((String) first.get().field("expiresAt")).isAfter(now)) {
                    return new Object[] {first.get().field("messageId"), first.get().field("requestHash")};
                }
            }
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("id", id);
            message.put("direction", "outbound");
            message.put("channel", r.channel());
            message.put("to", r.to());
            message.put("request", request);
            message.put("status", "accepted");
            message.put("statusAt", now.toString());
            message.put("statusHistory", List.of(Map.of("status", "accepted", "at", now.toString())));
            message.put("createdAt", now.toString());
            message.putAll(r.annotations());
            tx.set(messagePath(r.tenantId(), id), message);
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
            send(r.tenantId(), r.channel(), r.to(), request, id, now.toString());
        } catch (RuntimeException e) {
            log.error("Message {} of {} could not be queued: {}", id, r.tenantId(), e.toString());
            try {
                store.delete(messagePath(r.tenantId(), id));
                if (keyPath != null) {
                    store.delete(keyPath);
                }
            } catch (RuntimeException ignored) {
                // the message stays unqueued (no queuedAt): a retry of its key queues it (see replay)
            }
            throw new ProblemException(503, "temporarily-unavailable", "Temporarily unavailable",
                    "The message could not be queued; it was not accepted. Retry with the same Idempotency-Key.");
        }
        return new Accepted(id, r.channel(), "accepted", now.toString(), false);
    }

    /** The key was used before: its first answer, after queueing a message its first call left unqueued. */
    private Accepted replay(OutboundRequest r, Map<String, Object> request, String requestHash, String keyPath,
                           String messageId, Object firstHash, Instant now) {
        if (!requestHash.equals(firstHash)) {
            throw new ProblemException(422, "idempotency-key-reused", "Idempotency key reused",
                    "This Idempotency-Key was first used with a different request; use a new key for a new message.");
        }
        Optional<Document> found = store.get(messagePath(r.tenantId(), messageId));
        if (found.isEmpty()) { // its first call failed and was undone, all but the key: start again
            store.delete(keyPath);
            return accept(r);
        }
        Document first = found.get();
        if (first.field("queuedAt") == null
                && Instant.parse((String) first.field("createdAt")).isBefore(now.minus(REQUEUE_AFTER))) {
            send(r.tenantId(), r.channel(), r.to(), request, messageId, (String) first.field("createdAt"));
        }
        return new Accepted(messageId, r.channel(), String.valueOf(first.field("status")),
                String.valueOf(first.field("createdAt")), true);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> asMap(ChannelRequest request) {
        return json.convertValue(request, LinkedHashMap.class);
    }

    /** Queues the message; once queued, a failure to note it is only logged: the message is on its way. */
    private void send(String tenantId, String channel, String to, Map<String, Object> request, String id,
                      String createdAt) {
        OutboundMessage m = new OutboundMessage(id, tenantId, channel, to, request, createdAt);
        // outboxjms: a connection factory of its own, never a consumer's transaction (QueueConfiguration)
        producer.sendBodyAndHeaders("outboxjms:queue:" + queue(channel), ExchangePattern.InOnly, canonicalJson(m), Map.of(
                Variables.H_TENANT_ID, tenantId, Variables.H_EVENT_KEY, id,
                Variables.H_EVENT_TYPE, channel + ".message", Variables.H_PROVIDER, channel));
        try {
            store.merge(messagePath(tenantId, id), Map.of("queuedAt", clock.instant().toString()));
        } catch (RuntimeException e) {
            log.warn("Message {} of {} is queued but queuedAt was not noted: {}", id, tenantId, e.toString());
        }
    }

    public OutboundMessage read(byte[] queued) {
        try {
            return json.readValue(queued, OutboundMessage.class);
        } catch (java.io.IOException e) {
            throw new dev.pasarela.pipeline.errors.PermanentException("queued message is not readable", e);
        }
    }

    public Optional<Document> message(String tenantId, String messageId) {
        return store.get(messagePath(tenantId, messageId));
    }

    /** The contact opted out with the provider itself: mark the conversation as a stop word would. */
    public void markOptedOut(String tenantId, String channel, String contactId) {
        store.merge(dev.pasarela.messaging.ConversationSink.conversationPath(tenantId, channel, contactId),
                Map.of("channel", channel, "contactId", contactId, "optedOut", true,
                        "optOutChangedAt", clock.instant().toString()));
    }

    /**
     * The provider took the message: keep its id, link it, and fold in any status webhook that
     * overtook this write (stored under the provider id, see ConversationSink).
     */
    @SuppressWarnings("unchecked")
    public String recordSubmitted(String tenantId, String messageId, String channel, String providerId) {
        String path = messagePath(tenantId, messageId);
        String orphanPath = messagePath(tenantId, providerId);
        return store.runTransaction(tx -> {
            Map<String, Object> message = new LinkedHashMap<>(tx.get(path).map(Document::data).orElseGet(Map::of));
            Optional<Document> orphan = tx.get(orphanPath);
            List<Map<String, Object>> history = history(message);
            String now = clock.instant().toString();
            history.add(Map.of("status", "submitted", "at", now, "providerMessageId", providerId));
            orphan.ifPresent(o -> history.addAll(history(o.data())));
            history.sort(java.util.Comparator.comparing(h -> String.valueOf(h.get("at"))));
            message.put("providerMessageId", providerId);
            message.put("statusHistory", history);
            // a send after an operator's fix supersedes the failure that dead-lettered it
            message.put("status", orphan.map(o -> o.field("status")).orElse("submitted"));
            message.put("statusAt", orphan.map(o -> o.field("statusAt")).orElse(now));
            message.remove("error"); // a send after an operator's fix: the earlier refusal is history
            tx.set(path, message);
            tx.set(linkPath(tenantId, channel, providerId), Map.of("messageId", messageId));
            orphan.ifPresent(o -> tx.delete(orphanPath));
            return String.valueOf(message.get("status"));
        });
    }

    /** The message ended without reaching the recipient; the provider's code stays in the history. */
    public void recordFailed(String tenantId, String messageId, String code, String detail) {
        String path = messagePath(tenantId, messageId);
        store.runTransaction(tx -> {
            Map<String, Object> message = new LinkedHashMap<>(tx.get(path).map(Document::data).orElseGet(Map::of));
            List<Map<String, Object>> history = history(message);
            String now = clock.instant().toString();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("status", "failed");
            entry.put("at", now);
            entry.put("errorCode", code);
            entry.put("errorTitle", detail);
            history.add(entry);
            message.put("statusHistory", history);
            message.put("status", "failed");
            message.put("statusAt", now);
            message.put("error", Map.of("code", code, "detail", detail));
            tx.set(path, message);
            return null;
        });
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> history(Map<String, Object> message) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (message.get("statusHistory") instanceof List<?> h) {
            h.forEach(x -> out.add((Map<String, Object>) x));
        }
        return out;
    }

    /** An Idempotency-Key, checked, as a store path segment (its SHA-256). */
    public static String keyDigest(String key) {
        return sha256(checkKey(key).getBytes(StandardCharsets.UTF_8));
    }

    /** A request's fingerprint, to tell a retry from a new request under the same key. */
    public String digest(Object request) {
        return sha256(canonicalJson(request));
    }

    private static String checkKey(String key) {
        if (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw new ProblemException(400, "invalid-idempotency-key", "Invalid Idempotency-Key",
                    "Idempotency-Key must be 1 to 255 visible ASCII characters.");
        }
        return key;
    }

    private byte[] canonicalJson(Object value) {
        try {
            return canonical.writeValueAsBytes(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
