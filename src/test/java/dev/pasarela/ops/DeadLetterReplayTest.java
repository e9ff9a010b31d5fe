package dev.pasarela.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import dev.pasarela.support.StripeFixtures;
import dev.pasarela.support.SwitchableStore;
import jakarta.jms.BytesMessage;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jms.core.JmsTemplate;

/** Failures end on a dead-letter (or parking) queue with their cause, and operators replay them. */
@GatewayTest
class DeadLetterReplayTest {

    static final String DLQ = "dlq.stripe.in.deliver";

    @TestConfiguration
    static class Outage {
        @Bean
        @Primary
        SwitchableStore switchableStore(@Qualifier("documentStore") DocumentStore real) {
            return new SwitchableStore(real);
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    SwitchableStore store;
    @Autowired
    TenantRepository tenants;
    @Autowired
    JmsTemplate jms;

    Http http;
    String tenant;
    String customer;

    @BeforeEach
    void setUp() {
        http = new Http(port);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        tenant = "dlq-" + suffix;
        customer = "cus_dlq" + suffix;
        tenants.upsert(tenant, new TenantProfile("Seminuevos " + suffix, null, null, Map.of("stripe", customer)));
    }

    @AfterEach
    void storeBack() {
        store.writes(SwitchableStore.Writes.UP);
    }

    @Test
    void storeDownRetriesThenDeadLetterThenReplayAppliesIt() {
        StripeFixtures.Event event = StripeFixtures.event("customer.subscription.updated.basil.json")
                .id("evt_dlq" + UUID.randomUUID().toString().replace("-", "")).customer(customer).tenantMetadata(tenant);
        byte[] body = event.bytes();
        String key = "stripe:" + event.id();

        store.writes(SwitchableStore.Writes.UNAVAILABLE);
        int refusedBefore = store.refusedTransactions();
        assertThat(http.stripe(body, StripeFixtures.sign(body)).status()).isEqualTo(200);

        JsonNode letter = await().atMost(Duration.ofSeconds(30)).until(() -> find(key), n -> n != null);
        assertThat(letter.path("route").asText()).isEqualTo("stripe.in.deliver");
        assertThat(letter.path("cause").asText()).contains("StoreUnavailableException", "simulated outage");
        assertThat(java.time.Instant.parse(letter.path("firstFailureAt").asText()))
                .isBefore(java.time.Instant.parse(letter.path("lastFailureAt").asText()));
        assertThat(letter.path("tenantId").asText()).isEqualTo(tenant);
        assertThat(letter.path("replayTo").asText()).isEqualTo("in.stripe");
        // one delivery and three redeliveries (pasarela.retry.max-redeliveries=3)
        assertThat(store.refusedTransactions() - refusedBefore).isEqualTo(4);
        // the dead letter is the original message: the exact bytes Stripe signed
        assertThat(rawDeadLetter(key)).isEqualTo(body);

        JsonNode queues = http.ops("GET", "/ops/dlq", null).json();
        assertThat(queues.findValuesAsText("queue")).contains(DLQ, "parked.unknown-tenant");
        assertThat(tenant().path("subscription").isMissingNode()).isTrue();

        store.writes(SwitchableStore.Writes.UP);
        Http.Response replay = http.ops("POST", "/ops/dlq/" + DLQ + "/replay",
                "{\"ids\":[\"" + letter.path("id").asText() + "\"]}");
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.json().path("replayed").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode t = tenant();
            assertThat(t.path("subscription").path("status").asText()).isEqualTo("active");
            assertThat(t.path("plan").asText()).isEqualTo("pro");
            assertThat(t.path("revision").asLong()).isEqualTo(1);
        });
        assertThat(find(key)).isNull();
    }

    @Test
    void aPermanentFaultGoesStraightToTheDeadLetterQueueWithTheOriginalBytes() {
        StripeFixtures.Event event = StripeFixtures.event("customer.subscription.updated.basil.json")
                .id("evt_perm" + UUID.randomUUID().toString().replace("-", "")).customer(customer);
        byte[] body = event.bytes();
        String key = "stripe:" + event.id();
        store.writes(SwitchableStore.Writes.REJECTED);
        int refusedBefore = store.refusedTransactions();
        assertThat(http.stripe(body, StripeFixtures.sign(body)).status()).isEqualTo(200);
        JsonNode letter = await().atMost(Duration.ofSeconds(30)).until(() -> find(key), n -> n != null);
        assertThat(letter.path("cause").asText()).contains("PermanentException", "simulated rejection");
        assertThat(store.refusedTransactions() - refusedBefore).as("no retry of a permanent fault").isEqualTo(1);
        assertThat(rawDeadLetter(key)).isEqualTo(body);

        // replaying everything while the fault persists ends: the message is back, replayed once
        Http.Response replay = http.ops("POST", "/ops/dlq/" + DLQ + "/replay", null);
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.json().path("replayed").asInt()).isGreaterThanOrEqualTo(1);
        JsonNode again = await().atMost(Duration.ofSeconds(30))
                .until(() -> find(key), n -> n != null && n.path("replays").asInt() == 1);
        assertThat(again.path("firstFailureAt").asText()).isEqualTo(letter.path("firstFailureAt").asText());
    }

    @Test
    void anUnmappedPriceIsAPermanentFault() {
        StripeFixtures.Event event = StripeFixtures.event("customer.subscription.updated.basil.json")
                .id("evt_price" + UUID.randomUUID().toString().replace("-", "")).customer(customer)
                .lookupKey("price_nobody_mapped");
        byte[] body = event.bytes();
        assertThat(http.stripe(body, StripeFixtures.sign(body)).status()).isEqualTo(200);
        JsonNode letter = await().atMost(Duration.ofSeconds(30)).until(() -> find("stripe:" + event.id()), n -> n != null);
        assertThat(letter.path("cause").asText()).contains("PermanentException", "plans.yml");
        assertThat(rawDeadLetter("stripe:" + event.id())).isEqualTo(body);
    }

    @Test
    void anUnknownTenantIsParkedAcceptedAndReplayedOnceTheTenantExists() {
        String stranger = "cus_unknown" + UUID.randomUUID().toString().substring(0, 8);
        StripeFixtures.Event event = StripeFixtures.event("customer.subscription.updated.basil.json")
                .id("evt_park" + UUID.randomUUID().toString().replace("-", "")).customer(stranger)
                .tenantMetadata("no-such-tenant");
        byte[] body = event.bytes();
        assertThat(http.stripe(body, StripeFixtures.sign(body)).status()).isEqualTo(200);

        JsonNode parked = await().atMost(Duration.ofSeconds(20))
                .until(() -> find("parked.unknown-tenant", "stripe:" + event.id()), n -> n != null);
        assertThat(parked.path("parkedReason").asText()).isEqualTo("unknown-tenant");
        assertThat(parked.path("replayTo").asText()).isEqualTo("in.stripe");

        String newcomer = "nuevo-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(http.ops("PUT", "/ops/tenants/" + newcomer,
                "{\"name\":\"Autos Nuevos\",\"identities\":{\"stripe\":\"" + stranger + "\"}}").status()).isEqualTo(201);
        Http.Response replay = http.ops("POST", "/ops/dlq/parked.unknown-tenant/replay?id="
                + parked.path("id").asText(), null);
        assertThat(replay.json().path("replayed").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                http.ops("GET", "/ops/tenants/" + newcomer, null).json().path("subscription").path("status").asText())
                .isEqualTo("active"));
    }

    @Test
    void onlyOperatorQueuesAreVisible() {
        assertThat(http.ops("GET", "/ops/dlq/in.stripe", null).status()).isEqualTo(404);
        assertThat(http.ops("POST", "/ops/dlq/" + DLQ + "/replay", "{\"ids\":[\"x' OR 1=1\"]}").status()).isEqualTo(400);
    }

    byte[] rawDeadLetter(String key) {
        return jms.browseSelected(DLQ, "PasarelaEventKey = '" + key + "'", (s, b) -> {
            BytesMessage m = (BytesMessage) b.getEnumeration().nextElement();
            byte[] bytes = new byte[(int) m.getBodyLength()];
            m.readBytes(bytes);
            return bytes;
        });
    }

    JsonNode tenant() {
        return http.ops("GET", "/ops/tenants/" + tenant, null).json();
    }

    JsonNode find(String key) {
        return find(DLQ, key);
    }

    JsonNode find(String queue, String key) {
        for (JsonNode m : http.ops("GET", "/ops/dlq/" + queue, null).json()) {
            if (m.path("eventKey").asText().equals(key)) {
                return m;
            }
        }
        return null;
    }
}
