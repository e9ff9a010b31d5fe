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
import java.util.ArrayList;
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
 * deliveries are in flight. Stripe events, and on one more tenant WhatsApp and Twilio webhooks in
 * and WhatsApp and SMS sends out to a provider stand-in ({@link ChannelTraffic}): every accepted
 * send reaches the stand-in at least once and shows as submitted. One line per kind says
 * {@code sent= acknowledged= applied= duplicated= lost=}.
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
    final AtomicInteger stripeSent = new AtomicInteger();
    final ChannelTraffic channels = new ChannelTraffic(http);

    record Acked(String tenant, long created, boolean subscription) {}

    @AfterEach
    void stop() {
        gateway.stop();
        channels.stopStandIn();
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
        channels.startStandIn();
        yml.append(channels.tenantYaml());
        Files.writeString(tenantsFile, yml);

        // 1. deliveries paused: events are acknowledged once queued, then the process is killed
        start(tenantsFile, false);
        channels.createApiKey();
        for (int i = 0; i < 30; i++) {
            assertThat(post(i)).as("event %d acknowledged", i).isTrue();
        }
        for (int i = 0; i < 10; i++) {
            channels.sendAll(i);
        }
        channels.tallies.forEach((kind, t) -> assertThat(t.acked).as(kind.label + " acknowledged while paused").hasSize(10));
        for (String t : TENANTS) {
            assertThat(tenant(t).path("subscription").isMissingNode()).as("nothing delivered yet").isTrue();
        }
        kill();

        // 2. deliveries running, killed again while events are still arriving and being delivered
        start(tenantsFile, true);
        AtomicInteger next = new AtomicInteger(30);
        AtomicInteger ackedInPhase = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(6);
        AtomicInteger nextChannel = new AtomicInteger(10);
        AtomicInteger channelsInPhase = new AtomicInteger();
        for (int s = 0; s < 2; s++) {
            senders.submit(() -> {
                int i;
                while ((i = nextChannel.getAndIncrement()) < 150) {
                    try {
                        channels.sendAll(i);
                        channelsInPhase.incrementAndGet();
                    } catch (UncheckedIOException | IllegalStateException dead) {
                        return;
                    }
                }
            });
        }
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
        await().atMost(Duration.ofSeconds(60)).until(() -> ackedInPhase.get() >= 40 && channelsInPhase.get() >= 20);
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
            assertThat(channels.missing()).as("acknowledged but not (yet) applied or submitted").isEmpty();
        });
        report();
        for (String t : TENANTS) {
            // an event journaled but never acknowledged (the kill came before its 2xx) may still be
            // applied between the two reads below: compare them again until they are read in one quiet moment
            JsonNode tenant = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
                JsonNode before = tenant(t);
                JsonNode events = http.ops("GET", "/ops/tenants/" + t + "/events?limit=1000", null, OPS).json();
                assertThat(events.findValuesAsText("eventKey")).doesNotHaveDuplicates();
                long applied = events.findValuesAsText("outcome").stream().filter("applied"::equals).count();
                JsonNode after = tenant(t);
                boolean quiet = before.path("revision").asLong() == after.path("revision").asLong();
                assertThat(!quiet || after.path("revision").asLong() == applied)
                        .as("one revision per applied event of %s: revision %d, applied %d", t,
                                after.path("revision").asLong(), applied).isTrue();
                return quiet ? after : null;
            }, java.util.Objects::nonNull);
            long newest = acked.values().stream().filter(a -> a.tenant().equals(t) && a.subscription())
                    .mapToLong(Acked::created).max().orElseThrow();
            long stateAsOf = java.time.Instant.parse(tenant.path("subscription").path("asOf").asText()).getEpochSecond();
            assertThat(stateAsOf).as("the newest acknowledged state of " + t + " won").isGreaterThanOrEqualTo(newest);
        }
        assertThat(acked.size()).isGreaterThanOrEqualTo(70);

        String logs = Files.readString(gateway.log());
        assertThat(logs).doesNotContain(StripeFixtures.SECRET).doesNotContain(OPS)
                .doesNotContain(dev.pasarela.support.GatewayTest.META_APP_SECRET)
                .doesNotContain(dev.pasarela.support.GatewayTest.TWILIO_AUTH_TOKEN)
                .doesNotContain(ChannelTraffic.SMS_CONTACT).doesNotContain("Hola, SMS");
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
        stripeSent.incrementAndGet();
        Http.Response r = http.stripe(body, StripeFixtures.sign(body));
        if (r.status() == 200) {
            acked.put("stripe:" + id, new Acked(tenant, created, subscription));
            return true;
        }
        return false;
    }

    /** One line per kind of traffic; lost items fail the test, duplicates are counted (at-least-once outward). */
    void report() {
        List<String> keys = new ArrayList<>();
        TENANTS.forEach(t -> keys.addAll(eventKeys(t)));
        // an event applies once by construction (its marker is written in the transaction that applies
        // it), so there is no duplicate to count here: "applied" is what this line measures
        line("stripe", stripeSent.get(), acked.size(), (int) acked.keySet().stream().filter(keys::contains).count(),
                null);
        Map<ChannelTraffic.Kind, Map<String, Integer>> applied = channels.applied();
        channels.tallies.forEach((kind, t) -> {
            Map<String, Integer> times = applied.get(kind);
            int once = (int) t.acked.keySet().stream().filter(id -> times.getOrDefault(id, 0) > 0).count();
            int extra = t.acked.keySet().stream().mapToInt(id -> Math.max(0, times.getOrDefault(id, 0) - 1)).sum();
            boolean inbound = kind == ChannelTraffic.Kind.META_INBOUND || kind == ChannelTraffic.Kind.TWILIO_INBOUND;
            // an inbound message is one document per message id: its copies are counted as callbacks below
            line(kind.label, t.sent.get(), t.acked.size(), once, inbound ? null : extra);
            assertThat(once).as(kind.label + " lost").isEqualTo(t.acked.size());
            if (inbound) {
                // at-least-once outward: a second callback after a redelivery is allowed, but the tenant
                // must be able to drop it, by one event id on every copy
                assertThat(channels.callbacksWithoutOneEventId(kind)).as(kind.label + " callbacks without one event id")
                        .isEmpty();
                Map<String, Integer> callbacks = channels.callbacks(kind);
                System.out.printf("%s callbacks: acknowledged=%d called=%d duplicated=%d%n", kind.label, t.acked.size(),
                        callbacks.values().stream().filter(n -> n > 0).count(),
                        callbacks.values().stream().mapToInt(n -> Math.max(0, n - 1)).sum());
            }
            if (kind == ChannelTraffic.Kind.TWILIO_STATUS) {
                assertThat(extra).as("a status entered twice in a message's history").isZero();
            }
        });
    }

    /** {@code duplicated} null where duplicates cannot happen by construction (printed "n/a"). */
    static void line(String kind, int sent, int acknowledged, int applied, Integer duplicated) {
        System.out.printf("%s: sent=%d acknowledged=%d applied=%d duplicated=%s lost=%d%n",
                kind, sent, acknowledged, applied, duplicated == null ? "n/a" : duplicated, acknowledged - applied);
    }

    JsonNode tenant(String id) {
        return http.ops("GET", "/ops/tenants/" + id, null, OPS).json();
    }

    List<String> eventKeys(String tenant) {
        return http.ops("GET", "/ops/tenants/" + tenant + "/events?limit=1000", null, OPS).json()
                .findValuesAsText("eventKey");
    }

    void start(Path tenantsFile, boolean deliver) throws IOException {
        Map<String, String> env = new HashMap<>(channels.env());
        env.put("STRIPE_WEBHOOK_SECRET", StripeFixtures.SECRET);
        env.put("PASARELA_TENANTS_FILE", tenantsFile.toString());
        gateway.start(env, "--pasarela.delivery.auto-startup=" + deliver);
    }

    void kill() throws InterruptedException {
        gateway.kill();
    }
}
