package dev.pasarela.integrations.meta;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.api.ApiCaller;
import dev.pasarela.api.limits.Metered;
import dev.pasarela.pipeline.BrokerSideEnqueue;
import dev.pasarela.pipeline.Variables;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.tenants.TenantRepository;
import jakarta.validation.Valid;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The WhatsApp accept taken apart, for {@code bench/outbound.sh} (off unless
 * {@code pasarela.bench.accept-steps=true}; never in production: the enqueue step's messages stay on
 * a queue nothing consumes). Each endpoint takes the accept's request through the accept's door
 * (authentication, rate limits, the body read and validated) and answers as the accept does (202, its
 * {@code Location}, the same body), doing one of the accept's guarantees in between or none, so that
 * the bench can say what each costs against the authenticated GET of the same run:
 * <ul>
 * <li>{@code door}: nothing between;</li>
 * <li>{@code quota}: a monthly quota's unit, spent as the accept spends its own ({@link Metered}), on a
 * channel of its own ({@value #QUOTA_CHANNEL}) so that the bench's count of WhatsApp messages stays theirs;</li>
 * <li>{@code record}: one store transaction writing a message's record;</li>
 * <li>{@code enqueue}: the message queued and journaled before the answer, as the accept queues it.</li>
 * </ul>
 */
@RestController
@ConditionalOnProperty(name = "pasarela.bench.accept-steps", havingValue = "true")
class WhatsAppAcceptSteps {

    /** Where the enqueue step queues: a queue of its own, so nothing delivers its messages. */
    static final String QUEUE = "bench.accept-steps";

    /** The channel the quota step counts on: a plan that does not meter it only counts it. */
    static final String QUOTA_CHANNEL = "bench-accept-steps";

    private final DocumentStore store;
    private final BrokerSideEnqueue enqueue;
    private final ProducerTemplate producer;
    private final ObjectMapper json;
    private final Clock clock;

    WhatsAppAcceptSteps(DocumentStore store, BrokerSideEnqueue enqueue, ProducerTemplate producer, ObjectMapper json,
                        Clock clock) {
        this.store = store;
        this.enqueue = enqueue;
        this.producer = producer;
        this.json = json;
        this.clock = clock;
    }

    @PostMapping("/api/v1/bench/accept-steps/door")
    ResponseEntity<Map<String, Object>> door(@Valid @RequestBody WhatsAppRequest body,
                                             @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        return accepted(newId());
    }

    @PostMapping("/api/v1/bench/accept-steps/quota")
    @Metered(QUOTA_CHANNEL)
    ResponseEntity<Map<String, Object>> quota(@Valid @RequestBody WhatsAppRequest body,
                                              @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        return accepted(newId());
    }

    @PostMapping("/api/v1/bench/accept-steps/record")
    ResponseEntity<Map<String, Object>> record(@Valid @RequestBody WhatsAppRequest body,
                                               @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        String id = newId();
        String tenantId = ApiCaller.current().tenantId();
        Map<String, Object> message = message(id, body);
        store.runTransaction(tx -> {
            tx.set(TenantRepository.path(tenantId) + "/benchAcceptSteps/" + id, message);
            return null;
        });
        return accepted(id);
    }

    @PostMapping("/api/v1/bench/accept-steps/enqueue")
    ResponseEntity<Map<String, Object>> enqueue(@Valid @RequestBody WhatsAppRequest body,
                                                @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        String id = newId();
        String tenantId = ApiCaller.current().tenantId();
        byte[] queued;
        try {
            queued = json.writeValueAsBytes(message(id, body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Object> headers = Map.of(Variables.H_TENANT_ID, tenantId, Variables.H_EVENT_KEY, id,
                Variables.H_EVENT_TYPE, "whatsapp.message", Variables.H_PROVIDER, "whatsapp");
        // as the outbox queues: on the broker's side, else (the queue not made yet) through JMS, which makes it
        if (!enqueue.send(QUEUE, queued, headers)) {
            producer.sendBodyAndHeaders("outboxjms:queue:" + QUEUE, ExchangePattern.InOnly, queued, headers);
        }
        return accepted(id);
    }

    private static String newId() {
        return "msg_" + UUID.randomUUID().toString().replace("-", "");
    }

    /** A record the size and shape of the accept's. */
    private Map<String, Object> message(String id, WhatsAppRequest body) {
        String now = clock.instant().toString();
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", id);
        message.put("direction", "outbound");
        message.put("channel", "whatsapp");
        message.put("to", body.to());
        message.put("request", json.convertValue(body, Map.class));
        message.put("status", "accepted");
        message.put("statusAt", now);
        message.put("statusHistory", List.of(Map.of("status", "accepted", "at", now)));
        return message;
    }

    /** The accept's answer (OutboxResponses). */
    private ResponseEntity<Map<String, Object>> accepted(String id) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("channel", "whatsapp");
        out.put("status", "accepted");
        out.put("createdAt", clock.instant().toString());
        return ResponseEntity.accepted().location(URI.create("/api/v1/messages/" + id))
                .header("Idempotent-Replayed", "false").body(out);
    }
}
