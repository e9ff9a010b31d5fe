package dev.pasarela.integrations.meta;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.api.ApiCaller;
import dev.pasarela.api.ProblemException;
import dev.pasarela.api.limits.Metered;
import dev.pasarela.messaging.ConversationSink;
import dev.pasarela.messaging.Outbox;
import dev.pasarela.messaging.OutboxResponses;
import dev.pasarela.messaging.RequestFingerprints;
import dev.pasarela.pipeline.Variables;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.tenants.TenantRepository;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.annotation.PostConstruct;
import jakarta.validation.Valid;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The WhatsApp accept taken apart, for {@code STEPS=1 bash bench/outbound.sh} (off unless
 * {@code pasarela.bench.accept-steps=true}). Each endpoint takes the accept's request through the
 * accept's door (the API key, the rate limits, the body read and checked by its annotations; not the
 * channel's own checks, which the accept adds) and answers as the accept does (202, {@code Location}, the
 * same fields), doing one of the accept's guarantees in between or none, so that the bench can say what
 * each costs against the authenticated GET of the same run:
 * <ul>
 * <li>{@code door}: nothing between;</li>
 * <li>{@code quota}: a monthly quota's unit, spent as the accept spends its own ({@link Metered}), on a
 * channel of its own ({@value #QUOTA_CHANNEL}) so that the bench's count of WhatsApp messages stays theirs;</li>
 * <li>{@code record}: the accept's store transaction (its key read, the message written, its
 * conversation merged, its key written), on documents of its own;</li>
 * <li>{@code enqueue}: the message queued and journaled before the answer, as the accept queues it
 * ({@link Outbox#queueJournaled}).</li>
 * </ul>
 *
 * <p>Never in production: any API key may call them; {@code record} keeps numbers and texts under
 * {@code tenants/{t}/benchAcceptSteps*}, which nothing expires; {@code enqueue} fills a queue nothing
 * consumes ({@value #QUEUE}), which counts against the broker's memory limit shared by every queue (past
 * it, all of them page). The bench throws its gateway and data directory away.
 */
@Hidden
@RestController
@ConditionalOnProperty(name = "pasarela.bench.accept-steps", havingValue = "true")
class WhatsAppAcceptSteps {

    private static final Logger log = LoggerFactory.getLogger(WhatsAppAcceptSteps.class);

    /** Where the enqueue step queues: a queue of its own, so nothing delivers its messages. */
    static final String QUEUE = "bench.accept-steps";
    /** The channel the quota step counts on: a plan that does not meter it only counts it. */
    static final String QUOTA_CHANNEL = "bench-accept-steps";

    private final DocumentStore store;
    private final Outbox outbox;
    private final ObjectMapper json;
    private final Clock clock;

    WhatsAppAcceptSteps(DocumentStore store, Outbox outbox, ObjectMapper json, Clock clock) {
        this.store = store;
        this.outbox = outbox;
        this.json = json;
        this.clock = clock;
    }

    @PostConstruct
    void warn() {
        log.warn("pasarela.bench.accept-steps is on: /api/v1/bench/accept-steps/* keep what they are sent and fill "
                + "the queue {}; for bench/outbound.sh only", QUEUE);
    }

    // each step binds the accept's Idempotency-Key header too, as the accept's handler does; only record reads it

    @PostMapping("/api/v1/bench/accept-steps/door")
    ResponseEntity<Map<String, Object>> door(@Valid @RequestBody WhatsAppRequest body,
                                             @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        return accepted(newId(), clock.instant());
    }

    @PostMapping("/api/v1/bench/accept-steps/quota")
    @Metered(QUOTA_CHANNEL)
    ResponseEntity<Map<String, Object>> quota(@Valid @RequestBody WhatsAppRequest body,
                                              @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        return accepted(newId(), clock.instant());
    }

    @PostMapping("/api/v1/bench/accept-steps/record")
    ResponseEntity<Map<String, Object>> record(@Valid @RequestBody WhatsAppRequest body,
                                               @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        String id = newId();
        Instant now = clock.instant();
        String tenant = TenantRepository.path(ApiCaller.current().tenantId());
        String keyPath = key == null ? null : tenant + "/benchAcceptStepsKeys/" + RequestFingerprints.keyDigest(key);
        String conversationPath = tenant + "/benchAcceptStepsConversations/" + body.to().substring(1);
        Map<String, Object> message = message(id, body, now);
        store.runTransaction(tx -> {
            if (keyPath != null) {
                tx.get(keyPath); // the accept's read of the key's first answer (a new key here)
            }
            tx.set(tenant + "/benchAcceptSteps/" + id, message);
            tx.merge(conversationPath, Map.of("channel", "whatsapp", "contactId", body.to(),
                    "lastMessageAt", ConversationSink.sortable(now)));
            if (keyPath != null) {
                tx.set(keyPath, Map.of("messageId", id, "createdAt", now.toString()));
            }
            return null;
        });
        return accepted(id, now);
    }

    @PostMapping("/api/v1/bench/accept-steps/enqueue")
    ResponseEntity<Map<String, Object>> enqueue(@Valid @RequestBody WhatsAppRequest body,
                                                @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        String id = newId();
        Instant now = clock.instant();
        byte[] queued;
        try {
            queued = json.writeValueAsBytes(message(id, body, now));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Object> headers = Map.of(Variables.H_TENANT_ID, ApiCaller.current().tenantId(), Variables.H_EVENT_KEY, id,
                Variables.H_EVENT_TYPE, "whatsapp.message", Variables.H_PROVIDER, "whatsapp");
        try {
            outbox.queueJournaled(QUEUE, queued, headers);
        } catch (RuntimeException e) {
            // as the accept answers (and logs) a message it could not queue: the broker's reason, no message content
            log.error("Bench message {} could not be queued: {}", id, e.toString());
            throw new ProblemException(503, "temporarily-unavailable", "Temporarily unavailable",
                    "The message could not be queued.");
        }
        return accepted(id, now);
    }

    private static String newId() {
        return "msg_" + UUID.randomUUID().toString().replace("-", "");
    }

    /** A record of the accept's fields (Outbox.accept), the request as the accept keeps it. */
    private Map<String, Object> message(String id, WhatsAppRequest body, Instant now) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", id);
        message.put("direction", "outbound");
        message.put("channel", "whatsapp");
        message.put("to", body.to());
        message.put("request", json.convertValue(body, Map.class));
        message.put("status", "accepted");
        message.put("statusAt", now.toString());
        message.put("statusHistory", List.of(Map.of("status", "accepted", "at", now.toString())));
        message.put("createdAt", ConversationSink.sortable(now));
        message.put("queuedAt", now.toString());
        message.put("conversationId", ConversationSink.conversationId("whatsapp", body.to().substring(1)));
        return message;
    }

    /** The accept's own answer to a first acceptance. */
    private static ResponseEntity<Map<String, Object>> accepted(String id, Instant now) {
        return OutboxResponses.answer(new Outbox.Accepted(id, "whatsapp", "accepted", ConversationSink.sortable(now),
                false, true));
    }
}
