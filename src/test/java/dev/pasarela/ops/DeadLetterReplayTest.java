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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
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
    @Autowired
    org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ broker;

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
        // the webhook routes of batching providers dead-letter a part they cannot read; Stripe's refuses it
        assertThat(queues.findValuesAsText("queue")).contains("dlq.meta.in.receive", "dlq.sendgrid.in.receive")
                .doesNotContain("dlq.stripe.in.receive", "dlq.resend.in.receive", "dlq.twilio.in.receive-status",
                        "dlq.twilio.in.receive-inbound", "dlq.meta.in.subscribe");
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
        // a name no route writes to and the broker does not have: browsing it would make it
        Http.Response typo = http.ops("GET", "/ops/dlq/dlq.stripe.in.delivr", null);
        assertThat(typo.status()).as(typo.body()).isEqualTo(404);
        assertThat(typo.json().path("type").asText()).endsWith("/queue-not-found");
        assertThat(broker.getActiveMQServer().locateQueue("dlq.stripe.in.delivr")).as("not made").isNull();
        // Stripe's webhook route refuses an unreadable event at the door: it has no dead-letter queue
        assertThat(http.ops("GET", "/ops/dlq/dlq.stripe.in.receive", null).status()).isEqualTo(404);
        assertThat(broker.getActiveMQServer().locateQueue("dlq.stripe.in.receive")).as("not made").isNull();
        // nor does a replay job browse (and so make) a misspelt queue
        Http.Response job = http.ops("POST", "/ops/dlq/replays", "{\"queue\":\"dlq.stripe.in.delivr\"}");
        assertThat(job.status()).as(job.body()).isEqualTo(404);
        assertThat(job.json().path("type").asText()).endsWith("/queue-not-found");
        assertThat(broker.getActiveMQServer().locateQueue("dlq.stripe.in.delivr")).as("not made").isNull();
        assertThat(http.ops("POST", "/ops/dlq/" + DLQ + "/replay", "{\"ids\":[\"x' OR 1=1\"]}").status()).isEqualTo(400);
        Http.Response nullId = http.ops("POST", "/ops/dlq/" + DLQ + "/replay", "{\"ids\":[null]}");
        assertThat(nullId.status()).as(nullId.body()).isEqualTo(400);
        assertThat(nullId.json().path("type").asText()).endsWith("/invalid-message-id");
    }

    @Test
    void aReplayTakesAtMostTheDocumentedNumberOfIdsAndAnswersUnknownIdsAsNotFound() {
        List<String> tooMany = IntStream.range(0, 101).mapToObj(i -> "ID:00000000-0000-0000-0000-" + i).toList();
        Http.Response refused = http.ops("POST", "/ops/dlq/" + DLQ + "/replay", ids(tooMany));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("type").asText()).endsWith("/too-many-ids");
        assertThat(refused.json().path("detail").asText()).contains("100");

        // a real dead letter among 99 unknown ids: it is replayed, the others are listed back as not found
        StripeFixtures.Event event = StripeFixtures.event("customer.subscription.updated.basil.json")
                .id("evt_mix" + UUID.randomUUID().toString().replace("-", "")).customer(customer);
        store.writes(SwitchableStore.Writes.REJECTED);
        assertThat(http.stripe(event.bytes(), StripeFixtures.sign(event.bytes())).status()).isEqualTo(200);
        JsonNode letter = await().atMost(Duration.ofSeconds(30)).until(() -> find("stripe:" + event.id()), n -> n != null);
        store.writes(SwitchableStore.Writes.UP);
        List<String> mixed = new ArrayList<>(tooMany.subList(0, 99));
        mixed.add(50, letter.path("id").asText());
        long t0 = System.nanoTime();
        Http.Response replay = http.ops("POST", "/ops/dlq/" + DLQ + "/replay", ids(mixed));
        // a figure for the record, not an assertion: it was 1 s per unknown id before
        System.out.printf("replay of 100 ids (99 unknown) answered in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.json().path("replayed").asInt()).isEqualTo(1);
        assertThat(replay.json().path("notFound").size()).isEqualTo(99);
        assertThat(replay.json().path("notFound").toString()).doesNotContain(letter.path("id").asText());
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(tenant().path("subscription").path("status").asText()).isEqualTo("active"));
        assertThat(find("stripe:" + event.id())).isNull();

        // the same id again: already gone, answered as not found
        Http.Response again = http.ops("POST", "/ops/dlq/" + DLQ + "/replay?id=" + letter.path("id").asText(), null);
        assertThat(again.json().path("replayed").asInt()).isZero();
        assertThat(again.json().path("notFound").get(0).asText()).isEqualTo(letter.path("id").asText());
    }

    @Test
    void aReplayJobByTenantAndCauseReplaysOnlyWhatMatchesAndShowsItsProgress() {
        String other = "dlq-other-" + UUID.randomUUID().toString().substring(0, 8);
        String otherCustomer = "cus_oth" + UUID.randomUUID().toString().substring(0, 8);
        tenants.upsert(other, new TenantProfile("Otro", null, null, Map.of("stripe", otherCustomer)));
        store.writes(SwitchableStore.Writes.REJECTED);
        List<String> mine = new ArrayList<>();
        List<String> theirs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            boolean ours = i < 3;
            StripeFixtures.Event event = StripeFixtures.event("customer.subscription.updated.basil.json")
                    .id("evt_job" + UUID.randomUUID().toString().replace("-", "")).created(1_760_000_000L + i)
                    .customer(ours ? customer : otherCustomer).tenantMetadata(ours ? tenant : other);
            assertThat(http.stripe(event.bytes(), StripeFixtures.sign(event.bytes())).status()).isEqualTo(200);
            (ours ? mine : theirs).add("stripe:" + event.id());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> keys().containsAll(mine) && keys().containsAll(theirs));
        store.writes(SwitchableStore.Writes.UP);

        assertThat(http.ops("POST", "/ops/dlq/replays", "{\"tenantId\":\"" + tenant + "\"}").json()
                .path("type").asText()).endsWith("/invalid-replay-filter");
        assertThat(http.ops("GET", "/ops/dlq/replays/no-such-job", null).status()).isEqualTo(404);
        // a misspelt criterion is refused, not ignored (ignored, it would replay the whole queue)
        Http.Response misspelt = http.ops("POST", "/ops/dlq/replays", "{\"queue\":\"" + DLQ + "\",\"tenant\":\"" + tenant + "\"}");
        assertThat(misspelt.status()).isEqualTo(400);
        assertThat(misspelt.json().path("detail").asText()).contains("tenant");
        assertThat(http.ops("POST", "/ops/dlq/replays", "{\"queue\":\"" + DLQ + "\",\"from\":\"yesterday\"}").json()
                .path("type").asText()).endsWith("/invalid-replay-filter");

        // a window that ended before the failures matches nothing
        Http.Response none = http.ops("POST", "/ops/dlq/replays", "{\"queue\":\"" + DLQ + "\",\"tenantId\":\""
                + tenant + "\",\"to\":\"2020-01-01T00:00:00Z\"}");
        assertThat(none.status()).isEqualTo(202);
        JsonNode noneDone = awaitJob(none.raw().headers().firstValue("Location").orElseThrow());
        assertThat(noneDone.path("matched").asInt()).isZero();
        assertThat(keys()).containsAll(mine);

        Http.Response started = http.ops("POST", "/ops/dlq/replays", "{\"queue\":\"" + DLQ + "\",\"tenantId\":\""
                + tenant + "\",\"cause\":\"SIMULATED rejection\",\"from\":\"2020-01-01T00:00:00Z\"}");
        assertThat(started.status()).isEqualTo(202);
        String location = started.raw().headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("/ops/dlq/replays/").endsWith(started.json().path("id").asText());
        JsonNode done = awaitJob(location);
        assertThat(done.path("matched").asInt()).isEqualTo(3);
        assertThat(done.path("replayed").asInt()).isEqualTo(3);
        assertThat(done.path("filter").path("tenantId").asText()).isEqualTo(tenant);
        assertThat(http.ops("GET", "/ops/dlq/replays", null).json().findValuesAsText("id"))
                .contains(done.path("id").asText());

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                http.ops("GET", "/ops/tenants/" + tenant + "/events", null).json().findValuesAsText("eventKey"))
                .containsAll(mine));
        assertThat(keys()).doesNotContainAnyElementsOf(mine).containsAll(theirs);
    }

    JsonNode awaitJob(String location) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> http.ops("GET", location, null).json(),
                j -> j.path("state").asText().equals("DONE"));
    }

    List<String> keys() {
        return http.ops("GET", "/ops/dlq/" + DLQ + "?limit=1000", null).json().findValuesAsText("eventKey");
    }

    static String ids(List<String> ids) {
        return ids.stream().map(id -> "\"" + id + "\"").collect(Collectors.joining(",", "{\"ids\":[", "]}"));
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
