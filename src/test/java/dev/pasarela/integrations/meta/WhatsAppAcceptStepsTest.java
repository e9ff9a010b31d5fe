package dev.pasarela.integrations.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pasarela.pipeline.EmbeddedJmsBroker;
import dev.pasarela.security.ApiKeys;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.Queue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * The accept taken apart for bench/outbound.sh (STEPS=1): each step answers as the accept does and
 * does its one guarantee, and none of them spends a WhatsApp unit or records a message of the tenant's.
 */
@GatewayTest
@TestPropertySource(properties = "pasarela.bench.accept-steps=true")
class WhatsAppAcceptStepsTest {

    static final String BODY = "{\"to\":\"+5215512345678\",\"type\":\"text\",\"text\":{\"body\":\"Su cita es mañana\"}}";

    @LocalServerPort
    int port;
    @Autowired
    TenantRepository tenants;
    @Autowired
    ApiKeys apiKeys;
    @Autowired
    DocumentStore store;
    @Autowired
    EmbeddedJmsBroker broker;

    Http http;
    String tenant;
    String apiKey;

    @BeforeEach
    void tenant() {
        http = new Http(port);
        tenant = "steps-" + UUID.randomUUID().toString().substring(0, 8);
        tenants.upsert(tenant, new TenantProfile("Autos Pasos", "enterprise", "America/Mexico_City", Map.of()));
        apiKey = apiKeys.create(tenant, "bench").key();
    }

    Http.Response post(String step, String body) {
        return http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/bench/accept-steps/" + step))
                .header("X-Api-Key", apiKey).header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Http.Response usage() {
        return http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/usage")).header("X-Api-Key", apiKey).GET());
    }

    static void answeredAsTheAccept(Http.Response r) {
        assertThat(r.status()).isEqualTo(202);
        String id = r.json().path("id").asText();
        assertThat(id).matches("msg_[0-9a-f]{32}");
        assertThat(r.json().path("status").asText()).isEqualTo("accepted");
        assertThat(r.raw().headers().firstValue("Location")).hasValue("/api/v1/messages/" + id);
    }

    long queued() {
        Queue queue = broker.running().orElseThrow().locateQueue(SimpleString.of(WhatsAppAcceptSteps.QUEUE));
        return queue == null ? 0 : queue.getMessageCount();
    }

    @Test
    void eachStepAnswersAsTheAcceptAndDoesOnlyItsOwnGuarantee() {
        long queuedBefore = queued();

        answeredAsTheAccept(post("door", BODY));
        assertThat(usage().json().path("channels").has(WhatsAppAcceptSteps.QUOTA_CHANNEL)).isFalse();
        String records = TenantRepository.path(tenant) + "/benchAcceptSteps";
        assertThat(store.query(records, dev.pasarela.store.Query.all())).isEmpty();

        answeredAsTheAccept(post("quota", BODY));
        answeredAsTheAccept(post("quota", BODY));
        Http.Response usage = usage();
        assertThat(usage.json().path("channels").path(WhatsAppAcceptSteps.QUOTA_CHANNEL).path("used").asLong()).isEqualTo(2);
        assertThat(usage.json().path("channels").path("whatsapp").path("used").asLong()).isZero();
        assertThat(store.query(records, dev.pasarela.store.Query.all())).isEmpty();

        Http.Response recorded = post("record", BODY);
        answeredAsTheAccept(recorded);
        String id = recorded.json().path("id").asText();
        Map<String, Object> record = store.get(records + "/" + id).orElseThrow().data();
        assertThat(record).containsEntry("status", "accepted").containsEntry("to", "+5215512345678");
        // the accept's transaction: its conversation merged and its key written, on documents of the step's own
        assertThat(store.get(TenantRepository.path(tenant) + "/benchAcceptStepsConversations/5215512345678"))
                .hasValueSatisfying(c -> assertThat(c.data()).containsKey("lastMessageAt"));
        assertThat(store.query(TenantRepository.path(tenant) + "/benchAcceptStepsKeys", dev.pasarela.store.Query.all()))
                .singleElement().satisfies(k -> assertThat(k.data()).containsEntry("messageId", id));
        assertThat(store.query(records, dev.pasarela.store.Query.all())).hasSize(1);

        assertThat(queued()).isEqualTo(queuedBefore);
        answeredAsTheAccept(post("enqueue", BODY));
        // journaled before the answer, and nothing consumes it; the queue counts it once its delivery task, on the
        // broker's executor, has taken it in, which may be just after the answer
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(queued()).isEqualTo(queuedBefore + 1));
        assertThat(store.query(records, dev.pasarela.store.Query.all())).hasSize(1);
        assertThat(store.query(TenantRepository.path(tenant) + "/messages", dev.pasarela.store.Query.all())).isEmpty();
    }

    @Test
    void aBodyItsAnnotationsRefuseIsRefusedAtTheDoor() {
        for (String step : new String[] {"door", "quota", "record", "enqueue"}) {
            Http.Response r = post(step, "{\"to\":\"5512345678\",\"type\":\"text\",\"text\":{\"body\":\"x\"}}");
            assertThat(r.status()).as(step).isEqualTo(400);
            assertThat(r.contentType()).as(step).startsWith("application/problem+json");
        }
        // the quota step's unit, spent before the body is read, came back with the 400 (as the accept's does)
        assertThat(usage().json().path("channels").path(WhatsAppAcceptSteps.QUOTA_CHANNEL).path("used").asLong()).isZero();
    }
}
