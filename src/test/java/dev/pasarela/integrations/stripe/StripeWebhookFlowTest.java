package dev.pasarela.integrations.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pasarela.pipeline.deliver.IdempotencyConfiguration;
import dev.pasarela.store.ExpiringKeys;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import dev.pasarela.support.StripeFixtures;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.spi.IdempotentRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Signed Stripe webhooks in over HTTP, the tenant's subscription out in the store. */
@GatewayTest
class StripeWebhookFlowTest {

    @LocalServerPort
    int port;
    @Autowired
    TenantRepository tenants;
    @Autowired
    MeterRegistry meters;
    @Autowired
    @Qualifier("webhookIdempotentRepository")
    IdempotentRepository accepted;

    Http http;
    String tenant;
    String customer;

    @BeforeEach
    void newTenant() {
        http = new Http(port);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        tenant = "dealer-" + suffix;
        customer = "cus_" + suffix;
        tenants.upsert(tenant, new TenantProfile("Concesionario " + suffix, "free", "Europe/Madrid",
                Map.of("stripe", customer)));
    }

    JsonNode tenantJson() {
        Http.Response r = http.ops("GET", "/ops/tenants/" + tenant, null);
        assertThat(r.status()).isEqualTo(200);
        return r.json();
    }

    StripeFixtures.Event subscription(long created, String status) {
        return StripeFixtures.event("customer.subscription.updated.basil.json")
                .id("evt_" + UUID.randomUUID().toString().replace("-", "")).created(created)
                .customer(customer).tenantMetadata(tenant).status(status);
    }

    Http.Response post(byte[] body) {
        return http.stripe(body, StripeFixtures.sign(body));
    }

    @Test
    void aSignedEventWithNonAsciiTextIsAcknowledgedAndApplied() {
        // the fixture file's exact bytes (accents, ñ, an emoji, an em dash), only the customer renamed
        byte[] body = new String(StripeFixtures.bytes("customer.subscription.updated.basil.json"), StandardCharsets.UTF_8)
                .replace("cus_NffrFeUfNV2Hib", customer).getBytes(StandardCharsets.UTF_8);
        Http.Response r = post(body);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("received").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(tenantJson().path("subscription").path("status").asText()).isEqualTo("active"));
        JsonNode t = tenantJson();
        assertThat(t.path("plan").asText()).isEqualTo("pro");
        assertThat(t.path("subscription").path("plan").asText()).isEqualTo("pro");
        assertThat(t.path("subscription").path("externalId").asText()).isEqualTo("sub_1RyZp9LkdIwHu7ixkU2oN3xb");
        assertThat(t.path("subscription").path("currentPeriodEnd").asText()).isEqualTo("2025-09-19T10:40:00Z");
        assertThat(t.path("revision").asLong()).isEqualTo(1);
    }

    /**
     * On the embedded defaults an event is queued on the broker's side; one the JMS client would send
     * as a large message goes through the route's JMS branch, and both are applied.
     */
    @Test
    void eventsAreQueuedOnTheBrokersSideAndALargeOneThroughJms() {
        double brokerSide = enqueued("broker-side");
        double byJms = enqueued("jms");
        assertThat(post(subscription(1_756_200_000L, "active").bytes()).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> tenantJson().path("revision").asLong() == 1);
        assertThat(enqueued("broker-side")).isEqualTo(brokerSide + 1);
        assertThat(enqueued("jms")).isEqualTo(byJms);

        StripeFixtures.Event large = subscription(1_756_200_100L, "past_due");
        large.object().put("description", "x".repeat(120 * 1024)); // Stripe's own fields may be this long
        assertThat(post(large.bytes()).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() ->
                tenantJson().path("subscription").path("status").asText().equals("past_due"));
        assertThat(enqueued("jms")).isEqualTo(byJms + 1);
    }

    double enqueued(String path) {
        var c = meters.find("pasarela.enqueue").tags("queue", "in.stripe", "path", path).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aSignatureOverOtherBytesIsRefusedWith400AndNothingIsEnqueued() {
        StripeFixtures.Event e = subscription(Instant.now().getEpochSecond(), "active");
        byte[] body = e.bytes();
        String signature = StripeFixtures.sign(body);
        byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("\"active\"", "\"unpaid\"")
                .getBytes(StandardCharsets.UTF_8);
        double before = rejected("mismatch");
        Http.Response r = http.stripe(tampered, signature);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("type").asText()).isEqualTo("https://pasarela.dev/problems/invalid-signature");
        assertThat(r.json().path("status").asInt()).isEqualTo(400);
        assertThat(r.body()).doesNotContain(StripeFixtures.SECRET).doesNotContain("Exception");
        assertThat(rejected("mismatch")).isEqualTo(before + 1);
        assertThat(accepted.contains("stripe:" + e.id())).isFalse();

        assertThat(http.stripe(body, null).status()).isEqualTo(400);
        assertThat(http.stripe(body, StripeFixtures.sign(body, StripeFixtures.SECRET,
                Instant.now().getEpochSecond() - 600)).json().path("detail").asText()).contains("tolerance");
        assertThat(tenantJson().path("subscription").isMissingNode()).isTrue();
    }

    @Test
    void theSecondSecretOfARotationIsAccepted() {
        byte[] body = subscription(Instant.now().getEpochSecond(), "active").bytes();
        Http.Response r = http.stripe(body, StripeFixtures.sign(body, StripeFixtures.OTHER_SECRET,
                Instant.now().getEpochSecond()));
        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void aDuplicateDeliveryChangesNothing(@Autowired ExpiringKeys webhookEventKeys,
                                          @Autowired org.springframework.jdbc.core.JdbcTemplate jdbc) {
        StripeFixtures.Event event = subscription(1_756_200_000L, "active");
        byte[] body = event.bytes();
        assertThat(post(body).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> tenantJson().path("revision").asLong() == 1);
        // on the embedded defaults the event's id is kept in the embedded store, not in H2's table
        await().atMost(Duration.ofSeconds(20)).until(() -> webhookEventKeys.contains("stripe:" + event.id()));
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED WHERE messageId = ?", Integer.class,
                "stripe:" + event.id())).isZero();
        assertThat(post(body).status()).isEqualTo(200);
        assertThat(post(body).status()).isEqualTo(200);
        // a later event proves the queue moved past the duplicates: they were not applied
        assertThat(post(subscription(1_756_200_100L, "past_due").bytes()).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() ->
                tenantJson().path("subscription").path("status").asText().equals("past_due"));
        assertThat(tenantJson().path("revision").asLong()).isEqualTo(2);
    }

    /**
     * Every provider's route shares the one repository, and Camel stops a route's repository with the
     * route: another provider's route stopped (over JMX, say) must not stop Stripe's dedupe.
     */
    @Test
    void anotherProvidersRouteStoppedLeavesTheDedupeWorking(@Autowired org.apache.camel.CamelContext camel,
                                                            @Autowired ExpiringKeys webhookEventKeys) throws Exception {
        camel.getRouteController().stopRoute("twilio.in.receive-status");
        try {
            StripeFixtures.Event event = subscription(1_756_200_000L, "active");
            assertThat(post(event.bytes()).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> webhookEventKeys.contains("stripe:" + event.id()));
            double duplicates = events("duplicate");
            assertThat(post(event.bytes()).status()).isEqualTo(200);
            assertThat(events("duplicate")).isEqualTo(duplicates + 1);
        } finally {
            camel.getRouteController().startRoute("twilio.in.receive-status");
        }
    }

    @Test
    void anOlderEventNeverOverwritesNewerState() {
        assertThat(post(subscription(1_756_300_000L, "past_due").bytes()).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() ->
                tenantJson().path("subscription").path("status").asText().equals("past_due"));
        StripeFixtures.Event older = subscription(1_756_200_000L, "active");
        assertThat(post(older.bytes()).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                http.ops("GET", "/ops/tenants/" + tenant + "/events", null).json().findValuesAsText("eventKey"))
                .contains("stripe:" + older.id()));
        JsonNode t = tenantJson();
        assertThat(t.path("subscription").path("status").asText()).isEqualTo("past_due");
        assertThat(t.path("subscription").path("asOf").asText()).isEqualTo("2025-08-27T13:06:40Z");
        assertThat(http.ops("GET", "/ops/tenants/" + tenant + "/events", null).json().findValuesAsText("outcome"))
                .containsExactlyInAnyOrder("applied", "stale");
    }

    @Test
    void createdAndActivatedInTheSameSecondEndActiveWhateverTheArrivalOrder() {
        long second = 1_757_000_000L;
        byte[] activated = subscription(second, "active").bytes();
        byte[] created = StripeFixtures.event("customer.subscription.created.2024-06-20.json")
                .id("evt_c" + UUID.randomUUID().toString().replace("-", "")).created(second).customer(customer)
                .tenantMetadata(tenant).status("incomplete").bytes();
        // same subscription id in both events
        created = new String(created, StandardCharsets.UTF_8)
                .replace("sub_1PqK7aLkdIwHu7ixMdS00001", "sub_1RyZp9LkdIwHu7ixkU2oN3xb").getBytes(StandardCharsets.UTF_8);
        assertThat(post(activated).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> tenantJson().path("revision").asLong() == 1);
        assertThat(post(created).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() ->
                http.ops("GET", "/ops/tenants/" + tenant + "/events", null).json().size() == 2);
        JsonNode t = tenantJson();
        assertThat(t.path("subscription").path("status").asText()).isEqualTo("active");
        assertThat(t.path("plan").asText()).isEqualTo("pro");
    }

    @Test
    void endingAnOldSubscriptionKeepsThePlanOfTheOneThatReplacedIt() {
        byte[] oldOne = subscription(1_757_100_000L, "active").lookupKey("pasarela_basic_monthly").bytes();
        StripeFixtures.Event upgrade = subscription(1_757_100_010L, "active");
        upgrade.object().put("id", "sub_upgrade_" + tenant);
        byte[] cancelOld = StripeFixtures.event("customer.subscription.deleted.basil.json")
                .id("evt_d" + UUID.randomUUID().toString().replace("-", "")).created(1_757_100_020L)
                .customer(customer).bytes();
        assertThat(post(oldOne).status()).isEqualTo(200);
        assertThat(post(upgrade.bytes()).status()).isEqualTo(200);
        assertThat(post(cancelOld).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> tenantJson().path("revision").asLong() == 3);
        JsonNode t = tenantJson();
        assertThat(t.path("plan").asText()).isEqualTo("pro");
        assertThat(t.path("subscription").path("externalId").asText()).isEqualTo("sub_upgrade_" + tenant);
        assertThat(t.path("subscriptions").path("sub_1RyZp9LkdIwHu7ixkU2oN3xb").path("status").asText())
                .isEqualTo("canceled");
    }

    @Test
    void aTenantIdThatIsNoStorePathIsParkedNotRefused() {
        byte[] body = subscription(Instant.now().getEpochSecond(), "active")
                .customer("cus_nobody_" + UUID.randomUUID().toString().substring(0, 6)).tenantMetadata("..").bytes();
        double before = events("parked");
        assertThat(post(body).status()).isEqualTo(200);
        assertThat(events("parked")).isEqualTo(before + 1);
    }

    @Test
    void metricsNeedTheOpsToken() {
        assertThat(http.ops("GET", "/actuator/prometheus", null, null).status()).isEqualTo(401);
        Http.Response metrics = http.ops("GET", "/actuator/prometheus", null);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("pasarela_webhooks");
    }

    @Test
    void oldDedupeKeysAreForgotten(@Autowired IdempotencyConfiguration.DedupeRetention retention,
                                   @Autowired ExpiringKeys webhookEventKeys) {
        assertThat(webhookEventKeys.add("stripe:evt_ancient_" + tenant, Instant.now().minus(Duration.ofDays(40))))
                .isTrue();
        assertThat(webhookEventKeys.add("stripe:evt_recent_" + tenant, Instant.now().minus(Duration.ofDays(29))))
                .isTrue();
        assertThat(accepted.contains("stripe:evt_ancient_" + tenant)).isTrue();
        assertThat(retention.purge()).isGreaterThanOrEqualTo(1);
        assertThat(accepted.contains("stripe:evt_ancient_" + tenant)).isFalse();
        assertThat(accepted.contains("stripe:evt_recent_" + tenant)).isTrue();
    }

    @Test
    void cancellationFallsBackToTheDefaultPlanAndPaymentsAreRecorded() {
        assertThat(post(subscription(1_756_200_000L, "active").bytes()).status()).isEqualTo(200);
        byte[] failed = StripeFixtures.event("invoice.payment_failed.basil.json")
                .id("evt_f" + UUID.randomUUID().toString().replace("-", "")).customer(customer).bytes();
        assertThat(post(failed).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode t = tenantJson();
            assertThat(t.path("subscription").path("lastPayment").path("outcome").asText()).isEqualTo("failed");
            assertThat(t.path("plan").asText()).isEqualTo("pro");
        });
        byte[] deleted = StripeFixtures.event("customer.subscription.deleted.basil.json")
                .id("evt_d" + UUID.randomUUID().toString().replace("-", "")).customer(customer).bytes();
        assertThat(post(deleted).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode t = tenantJson();
            assertThat(t.path("subscription").path("status").asText()).isEqualTo("canceled");
            assertThat(t.path("plan").asText()).isEqualTo("free");
            assertThat(t.path("subscription").path("lastPayment").path("invoiceId").asText())
                    .isEqualTo("in_1SFailLkdIwHu7ixInv000002");
        });
    }

    @Test
    void aNewCustomerIsRoutedByTheTenantIdInItsMetadataAndThenByItsId() {
        String newCustomer = "cus_new" + UUID.randomUUID().toString().substring(0, 8);
        // older API shape, customer not yet known to the routing index
        byte[] created = StripeFixtures.event("customer.subscription.created.2024-06-20.json")
                .id("evt_c" + UUID.randomUUID().toString().replace("-", "")).customer(newCustomer)
                .tenantMetadata(tenant).bytes();
        assertThat(post(created).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode t = tenantJson();
            assertThat(t.path("subscription").path("status").asText()).isEqualTo("trialing");
            assertThat(t.path("plan").asText()).isEqualTo("basic");
            assertThat(t.path("identities").path("stripe").asText()).isEqualTo(newCustomer);
        });
        // an invoice with no tenant metadata now finds the tenant by customer id
        StripeFixtures.Event paid = StripeFixtures.event("invoice.payment_succeeded.2024-06-20.json")
                .id("evt_p" + UUID.randomUUID().toString().replace("-", "")).customer(newCustomer);
        paid.object().remove("subscription_details");
        assertThat(post(paid.bytes()).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                tenantJson().path("subscription").path("lastPayment").path("outcome").asText()).isEqualTo("succeeded"));
    }

    @Test
    void otherEventTypesGet200AndAreCountedNotProcessed() {
        double before = events("ignored");
        byte[] body = StripeFixtures.event("checkout.session.completed.json")
                .id("evt_x" + UUID.randomUUID().toString().replace("-", "")).bytes();
        assertThat(post(body).status()).isEqualTo(200);
        assertThat(events("ignored")).isEqualTo(before + 1);
    }

    @Test
    void unreadablePayloadsAndWrongMethodsGetProblems() {
        byte[] notJson = "{not json".getBytes(StandardCharsets.UTF_8);
        Http.Response r = post(notJson);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("type").asText()).endsWith("/invalid-payload");

        byte[] big = new byte[GatewayTest.INGRESS_MAX_BODY_BYTES + 1];
        java.util.Arrays.fill(big, (byte) 'a');
        Http.Response tooBig = http.stripe(big, StripeFixtures.sign(big));
        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(tooBig.contentType()).startsWith("application/problem+json");
    }

    @Test
    void aFormEncodedContentTypeDoesNotBreakTheRawBody() {
        byte[] body = subscription(Instant.now().getEpochSecond(), "active").bytes();
        Http.Response r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(http.base() + "/webhooks/stripe"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Stripe-Signature", StripeFixtures.sign(body))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)));
        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void healthReportsCamelBrokerAndStore() {
        Http.Response r = http.ops("GET", "/actuator/health", null, null);
        assertThat(r.status()).isEqualTo(200);
        JsonNode h = r.json();
        assertThat(h.path("status").asText()).isEqualTo("UP");
        assertThat(h.path("components").path("camelHealth").path("status").asText()).isEqualTo("UP");
        assertThat(h.path("components").path("jms").path("status").asText()).isEqualTo("UP");
        assertThat(h.path("components").path("store").path("status").asText()).isEqualTo("UP");
        // quieted during the start (QuietProbeLogsUntilReady), Camel's probes log again once the gateway is ready
        var logging = org.springframework.boot.logging.LoggingSystem.get(getClass().getClassLoader());
        assertThat(logging.getLoggerConfiguration("org.apache.camel.spring.boot.actuate.health.readiness"
                + ".CamelReadinessStateHealthIndicator").getEffectiveLevel())
                .isNotEqualTo(org.springframework.boot.logging.LogLevel.ERROR);
    }

    /** The embedded broker as the gateway configures it (here, where a started gateway is at hand). */
    @Test
    void theEmbeddedBrokerPagesPastItsMemoryLimitNotHalfTheHeap(
            @Autowired org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ broker) {
        var configuration = broker.getActiveMQServer().getConfiguration();
        // pasarela.broker.global-max-size unset: 128 MB, or an eighth of a smaller heap; Artemis's own is half the heap
        long limit = Math.min(128L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 8);
        assertThat(configuration.getGlobalMaxSize()).isEqualTo(limit);
        assertThat(broker.getActiveMQServer().getPagingManager().getMaxSize()).isEqualTo(limit);
        // a paged send waits for its page's sync (BrokerSideEnqueueTest shows it written before it returns; a
        // halted process cannot show the sync itself), as soon as a journaled one does. Artemis's default,
        // kept here as a guard: off, neither the journal nor the pages would sync a send before its 2xx
        assertThat(configuration.isJournalSyncNonTransactional()).isTrue();
        assertThat(configuration.getPageSyncTimeout()).isEqualTo(configuration.getJournalBufferTimeout_NIO());
    }

    double rejected(String reason) {
        var c = meters.find("pasarela.webhooks.rejected").tags("provider", "stripe", "reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    // --- issue 13: signed events the gateway cannot represent are refused at the door, not retried ---

    void refusedAtTheDoor(byte[] body, String... detail) {
        Http.Response r = post(body);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("type").asText()).isEqualTo("https://pasarela.dev/problems/invalid-payload");
        assertThat(r.json().path("detail").asText()).contains(detail);
    }

    @Test
    void aCreatedThatIsNoTimestampIsA400AndNothingIsEnqueued() {
        StripeFixtures.Event e = subscription(Instant.now().getEpochSecond(), "active");
        byte[] body = new String(e.bytes(), StandardCharsets.UTF_8)
                .replaceFirst("\"created\":\\d+", "\"created\":1e999999").getBytes(StandardCharsets.UTF_8);
        assertThat(new String(body, StandardCharsets.UTF_8)).contains("\"created\":1e999999");
        double accepted0 = events("accepted");
        refusedAtTheDoor(body, "created");
        assertThat(accepted.contains("stripe:" + e.id())).isFalse();
        assertThat(events("accepted")).isEqualTo(accepted0);
        assertThat(tenantJson().path("subscription").isMissingNode()).isTrue();
    }

    @Test
    void idsOverTheDocumentedLimitAreA400BeforeTheDedupeInsert() {
        String id600 = "evt_" + UUID.randomUUID().toString().replace("-", "") + "x".repeat(564);
        String id3000 = "evt_" + UUID.randomUUID().toString().replace("-", "") + "y".repeat(2_964);
        assertThat(id600).hasSize(600);
        assertThat(id3000).hasSize(3_000);
        double accepted0 = events("accepted");
        for (String id : new String[] {id600, id3000}) {
            StripeFixtures.Event e = subscription(Instant.now().getEpochSecond(), "active").id(id);
            refusedAtTheDoor(e.bytes(), "Stripe event id", String.valueOf(id.length()), "255");
        }
        refusedAtTheDoor(subscription(Instant.now().getEpochSecond(), "active").customer("cus_" + "z".repeat(2_996))
                .bytes(), "Stripe customer id", "3000");
        StripeFixtures.Event longSubscription = subscription(Instant.now().getEpochSecond(), "active");
        longSubscription.object().put("id", "sub_" + "w".repeat(2_996));
        refusedAtTheDoor(longSubscription.bytes(), "Stripe data.object.id", "3000");
        // the field is named by us, never by a value of the payload
        StripeFixtures.Event oddObject = subscription(Instant.now().getEpochSecond(), "active");
        oddObject.object().put("object", "+34600111222").put("id", "sub_" + "w".repeat(2_996));
        Http.Response odd = post(oddObject.bytes());
        assertThat(odd.status()).isEqualTo(400);
        assertThat(odd.json().path("detail").asText()).contains("Stripe data.object.id").doesNotContain("+34600111222");
        assertThat(events("accepted")).isEqualTo(accepted0);
        assertThat(tenantJson().path("subscription").isMissingNode()).isTrue();

        // an id at the limit goes through and is applied
        String id255 = "evt_" + UUID.randomUUID().toString().replace("-", "") + "v".repeat(219);
        assertThat(id255).hasSize(255);
        assertThat(post(subscription(Instant.now().getEpochSecond(), "active").id(id255).bytes()).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(tenantJson().path("subscription").path("status").asText()).isEqualTo("active"));
        assertThat(accepted.contains("stripe:" + id255)).isTrue();
    }

    /** Ids are printable ASCII, so '/' is allowed: the marker is one store segment, not a deeper path. */
    @Test
    void anEventIdWithASlashIsAppliedAndItsMarkerIsOneDocument() {
        StripeFixtures.Event e = subscription(Instant.now().getEpochSecond(), "active")
                .id("evt_" + UUID.randomUUID().toString().replace("-", "") + "/events/x");
        assertThat(post(e.bytes()).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                http.ops("GET", "/ops/tenants/" + tenant + "/events", null).json().findValuesAsText("eventKey"))
                .containsExactly("stripe:" + e.id()));
        assertThat(tenantJson().path("subscription").path("status").asText()).isEqualTo("active");
        assertThat(post(e.bytes()).status()).isEqualTo(200); // and its duplicate is one too
    }

    double events(String outcome) {
        var c = meters.find("pasarela.webhooks.events").tags("provider", "stripe", "outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }
}
