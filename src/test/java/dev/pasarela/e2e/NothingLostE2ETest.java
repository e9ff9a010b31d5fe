package dev.pasarela.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pasarela.support.GatewayProcess;
import dev.pasarela.support.Http;
import dev.pasarela.support.StripeFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar as a process: every event acknowledged with a 2xx is applied exactly once,
 * even when the process is killed with SIGKILL while events wait on the queue, and again while
 * deliveries are in flight.
 */
@Tag("e2e")
class NothingLostE2ETest {

    static final String OPS = GatewayProcess.OPS;
    static final List<String> TENANTS = List.of("e2e-norte", "e2e-sur", "e2e-este");

    final Path dir = Path.of("target", "e2e", "nothing-lost-" + System.currentTimeMillis()).toAbsolutePath();
    final GatewayProcess gateway = new GatewayProcess(dir, "gateway");
    final Http http = gateway.http();

    /** event key → (tenant, created, applies to subscription state) for every acknowledged event */
    final Map<String, Acked> acked = Collections.synchronizedMap(new HashMap<>());

    record Acked(String tenant, long created, boolean subscription) {}

    @AfterEach
    void stop() {
        gateway.stop();
    }

    @Test
    void acknowledgedEventsSurviveSigkillAndApplyExactlyOnce() throws Exception {
        Files.createDirectories(dir);
        Path tenantsFile = dir.resolve("tenants.yml");
        StringBuilder yml = new StringBuilder("tenants:\n");
        for (String t : TENANTS) {
            yml.append("  - id: ").append(t).append("\n    name: Concesionario ").append(t)
                    .append("\n    identities:\n      stripe: cus_").append(t.replace("-", "_")).append('\n');
        }
        Files.writeString(tenantsFile, yml);

        // 1. deliveries paused: events are acknowledged once queued, then the process is killed
        start(tenantsFile, false);
        for (int i = 0; i < 30; i++) {
            assertThat(post(i)).as("event %d acknowledged", i).isTrue();
        }
        for (String t : TENANTS) {
            assertThat(tenant(t).path("subscription").isMissingNode()).as("nothing delivered yet").isTrue();
        }
        kill();

        // 2. deliveries running, killed again while events are still arriving and being delivered
        start(tenantsFile, true);
        AtomicInteger next = new AtomicInteger(30);
        AtomicInteger ackedInPhase = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(4);
        for (int s = 0; s < 4; s++) {
            senders.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < 400) {
                    try {
                        if (post(i)) {
                            ackedInPhase.incrementAndGet();
                        }
                    } catch (UncheckedIOException | IllegalStateException dead) {
                        return; // the process is gone: this event was never acknowledged
                    }
                }
            });
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> ackedInPhase.get() >= 40);
        kill();
        senders.shutdown();
        assertThat(senders.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        // 3. after the restart every acknowledged event is applied, once
        start(tenantsFile, true);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            for (String t : TENANTS) {
                List<String> seen = eventKeys(t);
                List<String> expected = acked.entrySet().stream().filter(e -> e.getValue().tenant().equals(t))
                        .map(Map.Entry::getKey).toList();
                assertThat(seen).containsAll(expected);
            }
        });
        for (String t : TENANTS) {
            JsonNode events = http.ops("GET", "/ops/tenants/" + t + "/events?limit=1000", null, OPS).json();
            List<String> keys = events.findValuesAsText("eventKey");
            assertThat(keys).doesNotHaveDuplicates();
            long applied = events.findValuesAsText("outcome").stream().filter("applied"::equals).count();
            JsonNode tenant = tenant(t);
            assertThat(tenant.path("revision").asLong()).as("one revision per applied event of " + t).isEqualTo(applied);
            long newest = acked.values().stream().filter(a -> a.tenant().equals(t) && a.subscription())
                    .mapToLong(Acked::created).max().orElseThrow();
            long stateAsOf = java.time.Instant.parse(tenant.path("subscription").path("asOf").asText()).getEpochSecond();
            assertThat(stateAsOf).as("the newest acknowledged state of " + t + " won").isGreaterThanOrEqualTo(newest);
        }
        assertThat(acked.size()).isGreaterThanOrEqualTo(70);

        String logs = Files.readString(gateway.log());
        assertThat(logs).doesNotContain(StripeFixtures.SECRET).doesNotContain(OPS);
    }

    /** Event i: a subscription update or an invoice for one of the tenants, later i = later created. */
    boolean post(int i) {
        String tenant = TENANTS.get(i % TENANTS.size());
        long created = 1_760_000_000L + i * 10L;
        boolean subscription = i % 5 != 4;
        String id = "evt_e2e_" + i;
        StripeFixtures.Event e = subscription
                ? StripeFixtures.event("customer.subscription.updated.basil.json")
                        .status(i % 7 == 0 ? "past_due" : "active")
                : StripeFixtures.event("invoice.payment_failed.basil.json");
        e.id(id).created(created).customer("cus_" + tenant.replace("-", "_"));
        byte[] body = e.bytes();
        Http.Response r = http.stripe(body, StripeFixtures.sign(body));
        if (r.status() == 200) {
            acked.put("stripe:" + id, new Acked(tenant, created, subscription));
            return true;
        }
        return false;
    }

    JsonNode tenant(String id) {
        return http.ops("GET", "/ops/tenants/" + id, null, OPS).json();
    }

    List<String> eventKeys(String tenant) {
        return http.ops("GET", "/ops/tenants/" + tenant + "/events?limit=1000", null, OPS).json()
                .findValuesAsText("eventKey");
    }

    void start(Path tenantsFile, boolean deliver) throws IOException {
        gateway.start(Map.of("STRIPE_WEBHOOK_SECRET", StripeFixtures.SECRET,
                "PASARELA_TENANTS_FILE", tenantsFile.toString()), "--pasarela.delivery.auto-startup=" + deliver);
    }

    void kill() throws InterruptedException {
        gateway.kill();
    }
}
