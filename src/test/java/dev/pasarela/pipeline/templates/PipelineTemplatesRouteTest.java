package dev.pasarela.pipeline.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pasarela.integrations.meta.MetaWebhookInterpreter;
import dev.pasarela.pipeline.Variables;
import dev.pasarela.pipeline.deliver.DeliverySteps;
import dev.pasarela.pipeline.errors.DeadLetterPreparer;
import dev.pasarela.pipeline.errors.PermanentException;
import dev.pasarela.pipeline.errors.TransientException;
import dev.pasarela.pipeline.ingress.InboundEvent;
import dev.pasarela.pipeline.transform.InboundMessage;
import dev.pasarela.support.Fixtures;
import dev.pasarela.support.MetaFixtures;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The three route templates, each through one of its instances, with steps advised by node id:
 * what reaches the queue (enqueue), the parking lot (park), the sinks (deliver), the provider
 * (provider-call) and the dead-letter queue (dead-letter) is caught by mocks, and transform,
 * enrich and provider-call are wrapped to count attempts or fail on purpose. The error handling
 * under test is the real one (pasarela-delivery: 3 redeliveries in tests).
 */
@GatewayTest
@DirtiesContext // the routes are advised: later tests get a context of their own
class PipelineTemplatesRouteTest {

    static final int MAX_REDELIVERIES = 3; // pasarela.retry.max-redeliveries of GatewayTest

    @LocalServerPort
    int port;
    @Autowired
    CamelContext camel;
    @Autowired
    ProducerTemplate producer;
    @Autowired
    TenantRepository tenants;
    @Autowired
    DeliverySteps deliverySteps;
    @Autowired
    MetaWebhookInterpreter metaInterpreter;

    /** Attempts per event key and step, and how many times a step must still fail for a key. */
    static final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    static final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
    /** Event keys whose enqueue fails, as a broker that is gone makes it fail. */
    static final Set<String> enqueueFails = ConcurrentHashMap.newKeySet();
    static boolean advised;

    Http http;
    String phone;
    String tenant;

    @BeforeEach
    void tenantAndAdvisedRoutes() throws Exception {
        http = new Http(port);
        String s = UUID.randomUUID().toString().replaceAll("[^0-9]", "").concat("000000").substring(0, 6);
        tenant = "route-" + s;
        phone = "1065407777" + s;
        tenants.upsert(tenant, new TenantProfile("Autos Ruta", null, null, Map.of("whatsapp", phone)));
        if (advised) {
            return;
        }
        advised = true; // once per context: advice stays on the routes

        AdviceWith.adviceWith(camel, "meta.in.receive", a -> a.weaveById("enqueue").replace().process(e -> {
            if (enqueueFails.contains(e.getMessage().getHeader(Variables.H_EVENT_KEY, String.class))) {
                throw new IllegalStateException("the broker did not take the message (test)");
            }
        }).to("mock:enqueue"));
        AdviceWith.adviceWith(camel, "pasarela.park", a -> a.weaveById("park").replace().to("mock:parked"));
        AdviceWith.adviceWith(camel, "pasarela.dead-letter",
                a -> a.weaveById("dead-letter").replace().to("mock:dead-letter"));
        AdviceWith.adviceWith(camel, "meta.in.deliver", a -> {
            a.weaveById("transform").replace().process(e -> {
                attempt(e, "transform");
                deliverySteps.transform(e);
            });
            a.weaveById("enrich").replace().process(e -> {
                attempt(e, "enrich");
                if (mustFail(e)) {
                    throw new TransientException("Graph API unavailable (test)");
                }
                deliverySteps.enrich(e);
            });
            a.weaveById("deliver").replace().setBody(a.simple("${variable.canonicalEvents}")).to("mock:delivered");
        });
        AdviceWith.adviceWith(camel, "whatsapp.out.deliver", a -> a.weaveById("provider-call").replace().process(e -> {
            attempt(e, "provider-call");
            String key = e.getVariable(Variables.EVENT_KEY, String.class);
            if (key.startsWith("refused-")) {
                throw new PermanentException("(#131026) Message undeliverable (test)");
            }
            if (mustFail(e)) {
                throw new TransientException("(#130429) Rate limit hit (test)");
            }
        }).to("mock:sent"));
    }

    static void attempt(Exchange e, String step) {
        attempts.computeIfAbsent(step + ":" + e.getVariable(Variables.EVENT_KEY, String.class), k -> new AtomicInteger())
                .incrementAndGet();
    }

    static boolean mustFail(Exchange e) {
        AtomicInteger left = failuresLeft.get(e.getVariable(Variables.EVENT_KEY, String.class));
        return left != null && left.getAndDecrement() > 0;
    }

    int attempts(String step, String key) {
        return attempts.getOrDefault(step + ":" + key, new AtomicInteger()).get();
    }

    MockEndpoint mock(String name) {
        return camel.getEndpoint("mock:" + name, MockEndpoint.class);
    }

    List<Exchange> received(String mock, String eventKey) {
        return mock(mock).getReceivedExchanges().stream()
                .filter(e -> eventKey.equals(e.getMessage().getHeader(Variables.H_EVENT_KEY))).toList();
    }

    // --- inbound-webhook (meta.in.receive) -------------------------------------------------------------

    byte[] whatsappText(String phoneNumberId, String wamid) {
        return Fixtures.read("meta/whatsapp.text.json").trim().replace("106540352242922", phoneNumberId)
                .replace("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=", wamid)
                .getBytes(StandardCharsets.UTF_8);
    }

    int post(byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(GatewayTest.META_APP_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return http.send(HttpRequest.newBuilder(URI.create(http.base() + "/webhooks/meta"))
                .header("Content-Type", "application/json")
                .header("X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(mac.doFinal(body)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))).status();
    }

    @Test
    void aKnownTenantsEventIsEnqueuedWithItsTenantAndNoRequestHeaders() throws Exception {
        String wamid = "wamid.ROUTEOK" + UUID.randomUUID().toString().replace("-", "");
        assertThat(post(whatsappText(phone, wamid))).isEqualTo(200);
        // the answer comes after the loop over the events: what was enqueued is already at the mock
        assertThat(received("enqueue", "meta:wa:msg:" + wamid)).singleElement().satisfies(e -> {
            assertThat(e.getMessage().getHeader(Variables.H_TENANT_ID)).isEqualTo(tenant);
            assertThat(e.getMessage().getHeader(Variables.H_EVENT_TYPE)).isEqualTo("whatsapp.message");
            assertThat(e.getMessage().getHeader("X-Hub-Signature-256")).isNull();
        });
        assertThat(received("parked", "meta:wa:msg:" + wamid)).isEmpty();
    }

    @Test
    void anUnknownTenantsEventIsParkedNotEnqueued() throws Exception {
        String wamid = "wamid.ROUTEPARK" + UUID.randomUUID().toString().replace("-", "");
        assertThat(post(whatsappText("1065400000000000", wamid))).isEqualTo(200);
        assertThat(received("parked", "meta:wa:msg:" + wamid)).singleElement().satisfies(e -> {
            assertThat(e.getMessage().getHeader(Variables.H_PARKED_REASON)).isEqualTo("unknown-tenant");
            assertThat(e.getMessage().getHeader(Variables.H_REPLAY_TO)).isEqualTo("in.meta");
            assertThat(e.getMessage().getHeader(Variables.H_TENANT_ID)).isNull();
        });
        assertThat(received("enqueue", "meta:wa:msg:" + wamid)).isEmpty();
    }

    @Test
    void aDuplicateIsAcknowledgedButNotEnqueuedTwice() throws Exception {
        String wamid = "wamid.ROUTEDUP" + UUID.randomUUID().toString().replace("-", "");
        byte[] body = whatsappText(phone, wamid);
        assertThat(post(body)).isEqualTo(200);
        assertThat(post(body)).isEqualTo(200);
        assertThat(post(body)).isEqualTo(200);
        assertThat(received("enqueue", "meta:wa:msg:" + wamid)).hasSize(1);
    }

    /**
     * A batch's events take their turns on one exchange: a turn starts with nothing of the one before,
     * neither its duplicate mark (the new event after a duplicate is enqueued) nor its tenant (an
     * unreadable event after a known tenant's is dead-lettered with no tenant).
     */
    @Test
    void eachEventOfABatchIsTakenAsIfItCameAlone() throws Exception {
        String s = UUID.randomUUID().toString().replace("-", "");
        String known = "wamid.ROUTEBATCHDUP" + s;
        String fresh = "wamid.ROUTEBATCHNEW" + s;
        String tooLong = "wamid.ROUTEBATCHLONG" + s + "A".repeat(548);
        assertThat(tooLong).hasSize(600);
        assertThat(post(whatsappText(phone, known))).isEqualTo(200);
        int deadLettersBefore = mock("dead-letter").getReceivedExchanges().size();

        byte[] batch = MetaFixtures.batch(whatsappText(phone, known), whatsappText(phone, fresh),
                whatsappText(phone, tooLong));
        assertThat(post(batch)).isEqualTo(200);

        assertThat(received("enqueue", "meta:wa:msg:" + known)).as("the duplicate, once").hasSize(1);
        assertThat(received("enqueue", "meta:wa:msg:" + fresh)).as("the new event after it").singleElement()
                .satisfies(e -> assertThat(e.getMessage().getHeader(Variables.H_TENANT_ID)).isEqualTo(tenant));
        List<Exchange> deadLettered = mock("dead-letter").getReceivedExchanges()
                .subList(deadLettersBefore, mock("dead-letter").getReceivedExchanges().size()).stream()
                .filter(e -> String.valueOf(e.getMessage().getHeader(Variables.H_FAILURE_CAUSE)).contains("600 characters"))
                .toList();
        assertThat(deadLettered).singleElement().satisfies(e -> {
            assertThat(e.getMessage().getHeader(Variables.H_EVENT_TYPE)).isEqualTo("meta.unreadable");
            assertThat(e.getMessage().getHeader(Variables.H_TENANT_ID)).as("not the event before's").isNull();
        });
    }

    /**
     * A turn that fails ends the request with a 503, as the split's stopOnException did: the events
     * before it stay queued and known, it and those after it are neither, so Meta's retry of the batch
     * queues exactly those.
     */
    @Test
    void aFailedTurnAnswers503AndKeepsOnlyTheEventsBeforeIt() throws Exception {
        String s = UUID.randomUUID().toString().replace("-", "");
        String before = "meta:wa:msg:wamid.ROUTEFAILBEFORE" + s;
        String failing = "meta:wa:msg:wamid.ROUTEFAILING" + s;
        String after = "meta:wa:msg:wamid.ROUTEFAILAFTER" + s;
        byte[] batch = MetaFixtures.batch(whatsappText(phone, before.substring(12)), whatsappText(phone, failing.substring(12)),
                whatsappText(phone, after.substring(12)));
        enqueueFails.add(failing);
        try {
            assertThat(post(batch)).isEqualTo(503);
        } finally {
            enqueueFails.remove(failing);
        }
        assertThat(received("enqueue", before)).hasSize(1);
        assertThat(received("enqueue", failing)).isEmpty();
        assertThat(received("enqueue", after)).isEmpty();

        assertThat(post(batch)).as("Meta's retry").isEqualTo(200);
        assertThat(received("enqueue", before)).as("known: not queued again").hasSize(1);
        assertThat(received("enqueue", failing)).hasSize(1);
        assertThat(received("enqueue", after)).hasSize(1);
    }

    // --- inbound-delivery (meta.in.deliver) ------------------------------------------------------------

    InboundEvent queued(String wamid) {
        return metaInterpreter.interpret(whatsappText(phone, wamid)).get(0);
    }

    void enqueue(String eventKey, String eventType, byte[] payload) {
        producer.sendBodyAndHeaders("jms:queue:in.meta", payload, Map.of(Variables.H_PROVIDER, "meta",
                Variables.H_TENANT_ID, tenant, Variables.H_EVENT_KEY, eventKey, Variables.H_EVENT_TYPE, eventType));
    }

    @Test
    void aQueuedEventIsTransformedEnrichedAndDeliveredOnce() {
        InboundEvent e = queued("wamid.ROUTEDELIVER" + UUID.randomUUID().toString().replace("-", ""));
        NotifyBuilder done = new NotifyBuilder(camel).fromRoute("meta.in.deliver").whenCompleted(1).create();
        enqueue(e.eventKey(), e.type(), e.payload());
        assertThat(done.matches(20, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> received("delivered", e.eventKey()).size() == 1);
        List<?> events = received("delivered", e.eventKey()).get(0).getMessage().getBody(List.class);
        assertThat(events).singleElement().isInstanceOfSatisfying(InboundMessage.class, m -> {
            assertThat(m.tenantId()).isEqualTo(tenant);
            assertThat(m.eventKey()).isEqualTo(e.eventKey());
            assertThat(m.contactName()).isEqualTo("Sheena Nelson");
        });
        assertThat(attempts("transform", e.eventKey())).isEqualTo(1);
        assertThat(attempts("enrich", e.eventKey())).isEqualTo(1);
    }

    @Test
    void aPermanentFailureGoesStraightToItsDeadLetterQueueWithTheOriginalBodyAndCause() {
        String key = "meta:wa:msg:wamid.ROUTEBROKEN" + UUID.randomUUID().toString().replace("-", "");
        byte[] broken = "{\"object\":\"whatsapp_business_account\",\"entry\":[".getBytes(StandardCharsets.UTF_8);
        enqueue(key, "whatsapp.message", broken);
        await().atMost(Duration.ofSeconds(20)).until(() -> received("dead-letter", key).size() == 1);
        Exchange dead = received("dead-letter", key).get(0);
        assertThat(dead.getMessage().getBody(byte[].class)).isEqualTo(broken);
        assertThat(dead.getMessage().getHeader(DeadLetterPreparer.H_DEAD_LETTER_QUEUE)).isEqualTo("dlq.meta.in.deliver");
        assertThat(dead.getMessage().getHeader(Variables.H_FAILED_ROUTE)).isEqualTo("meta.in.deliver");
        assertThat(dead.getMessage().getHeader(Variables.H_FAILURE_CAUSE, String.class))
                .contains("PermanentException").contains("not valid JSON");
        assertThat(dead.getMessage().getHeader(Variables.H_REPLAY_TO)).isEqualTo("in.meta");
        assertThat(dead.getMessage().getHeader(Variables.H_FIRST_FAILURE_AT)).isNotNull();
        assertThat(dead.getMessage().getHeader(Variables.H_LAST_FAILURE_AT)).isNotNull();
        assertThat(attempts("transform", key)).as("no retry of a permanent failure").isEqualTo(1);
        assertThat(attempts("enrich", key)).isZero();
        assertThat(received("delivered", key)).isEmpty();
    }

    /**
     * Issue 13: a signed message whose timestamp no instant can hold was acknowledged, retried as
     * transient and dead-lettered after every retry. It is acknowledged (the rest of Meta's batch
     * must not be refused with it) and dead-lettered at the first attempt, the cause naming the field.
     */
    @Test
    void aSignedMessageWithAnOverflowingTimestampIsAcknowledgedThenDeadLetteredAtOnce() throws Exception {
        String wamid = "wamid.ROUTEOVERFLOW" + UUID.randomUUID().toString().replace("-", "");
        String key = "meta:wa:msg:" + wamid;
        byte[] body = new String(whatsappText(phone, wamid), StandardCharsets.UTF_8)
                .replace("\"timestamp\":\"1749416383\"", "\"timestamp\":\"9223372036854775807\"")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(new String(body, StandardCharsets.UTF_8)).contains("9223372036854775807");
        assertThat(post(body)).isEqualTo(200);
        Exchange enqueued = received("enqueue", key).get(0); // what the door put on in.meta
        enqueue(key, "whatsapp.message", enqueued.getMessage().getBody(byte[].class));

        await().atMost(Duration.ofSeconds(20)).until(() -> received("dead-letter", key).size() == 1);
        Exchange dead = received("dead-letter", key).get(0);
        assertThat(dead.getMessage().getHeader(DeadLetterPreparer.H_DEAD_LETTER_QUEUE)).isEqualTo("dlq.meta.in.deliver");
        assertThat(dead.getMessage().getHeader(Variables.H_FAILURE_CAUSE, String.class))
                .contains("PermanentException", "WhatsApp message timestamp", "out of range")
                .doesNotContain("16505551234").doesNotContain("Tienen");
        assertThat(attempts("transform", key)).as("a permanent failure is not retried").isEqualTo(1);
        assertThat(received("delivered", key)).isEmpty();
    }

    @Test
    void aTransientFailureIsRetriedAtItsStepAndThenDelivered() {
        InboundEvent e = queued("wamid.ROUTEFLAKY" + UUID.randomUUID().toString().replace("-", ""));
        failuresLeft.put(e.eventKey(), new AtomicInteger(2));
        enqueue(e.eventKey(), e.type(), e.payload());
        await().atMost(Duration.ofSeconds(20)).until(() -> received("delivered", e.eventKey()).size() == 1);
        assertThat(attempts("enrich", e.eventKey())).isEqualTo(3);
        assertThat(attempts("transform", e.eventKey())).as("retried where it failed").isEqualTo(1);
        assertThat(received("dead-letter", e.eventKey())).isEmpty();
    }

    @Test
    void aTransientFailureOutOfRetriesIsDeadLetteredWithTheOriginalBody() {
        InboundEvent e = queued("wamid.ROUTEDOWN" + UUID.randomUUID().toString().replace("-", ""));
        failuresLeft.put(e.eventKey(), new AtomicInteger(Integer.MAX_VALUE));
        enqueue(e.eventKey(), e.type(), e.payload());
        await().atMost(Duration.ofSeconds(20)).until(() -> received("dead-letter", e.eventKey()).size() == 1);
        Exchange dead = received("dead-letter", e.eventKey()).get(0);
        assertThat(dead.getMessage().getBody(byte[].class)).isEqualTo(e.payload());
        assertThat(dead.getMessage().getHeader(Variables.H_FAILURE_CAUSE, String.class)).contains("Graph API unavailable");
        assertThat(attempts("enrich", e.eventKey())).isEqualTo(1 + MAX_REDELIVERIES);
        assertThat(received("delivered", e.eventKey())).isEmpty();
    }

    // --- outbound-delivery (whatsapp.out.deliver) ------------------------------------------------------

    byte[] outbound(String id) {
        return ("{\"id\":\"" + id + "\",\"tenantId\":\"" + tenant + "\",\"channel\":\"whatsapp\",\"to\":\"16505551234\","
                + "\"request\":{\"type\":\"text\",\"text\":{\"body\":\"Su cita es el martes\"}},"
                + "\"createdAt\":\"2025-06-09T12:00:00Z\"}").getBytes(StandardCharsets.UTF_8);
    }

    List<Exchange> receivedOutbound(String mock, String id) {
        return mock(mock).getReceivedExchanges().stream()
                .filter(e -> id.equals(e.getVariable(Variables.EVENT_KEY, String.class))
                        || e.getMessage().getBody(String.class).contains("\"id\":\"" + id + "\"")).toList();
    }

    @Test
    void aProviderRefusalGoesStraightToTheChannelsDeadLetterQueue() {
        String id = "refused-" + UUID.randomUUID();
        producer.sendBody("jms:queue:out.whatsapp", outbound(id));
        await().atMost(Duration.ofSeconds(20)).until(() -> receivedOutbound("dead-letter", id).size() == 1);
        Exchange dead = receivedOutbound("dead-letter", id).get(0);
        assertThat(dead.getMessage().getBody(byte[].class)).isEqualTo(outbound(id));
        assertThat(dead.getMessage().getHeader(DeadLetterPreparer.H_DEAD_LETTER_QUEUE)).isEqualTo("dlq.whatsapp.out.deliver");
        assertThat(dead.getMessage().getHeader(Variables.H_FAILURE_CAUSE, String.class)).contains("131026");
        assertThat(dead.getMessage().getHeader(Variables.H_REPLAY_TO)).isEqualTo("out.whatsapp");
        assertThat(attempts("provider-call", id)).isEqualTo(1);
        assertThat(receivedOutbound("sent", id)).isEmpty();
    }

    @Test
    void aThrottledProviderCallIsRetriedAndThenSent() {
        String id = "throttled-" + UUID.randomUUID();
        failuresLeft.put(id, new AtomicInteger(2));
        producer.sendBody("jms:queue:out.whatsapp", outbound(id));
        await().atMost(Duration.ofSeconds(20)).until(() -> receivedOutbound("sent", id).size() == 1);
        assertThat(attempts("provider-call", id)).isEqualTo(3);
        assertThat(receivedOutbound("dead-letter", id)).isEmpty();
    }
}
