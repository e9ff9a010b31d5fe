package dev.pasarela.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.pasarela.ops.ArtemisManagement;
import dev.pasarela.support.ArtemisPair;
import dev.pasarela.support.GatewayProcess;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import dev.pasarela.support.MetaFixtures;
import dev.pasarela.support.StripeFixtures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Issue 15, point 3: two gateway replicas over one PostgreSQL database (store, dedupe keys,
 * Quartz), Redis (rate limits, send shaping) and an Artemis primary/backup pair. A load generator
 * sends signed Stripe and WhatsApp webhooks round-robin to both (every 5th event to both at
 * once); mid-run one gateway is killed with SIGKILL, then the primary broker. Every acknowledged
 * event is applied exactly once, the doubled sends leave no duplicate, no dead letter, every queue
 * drains on the survivor; WhatsApp sends through both replicas to one number reach the Graph
 * stand-in once each and no faster than the number's rate allows (one bucket for both replicas);
 * and no sliding second at the stand-in holds more sends than the rate.
 * Ports 19300-19399 only.
 */
@Tag("e2e")
class ScaleOutE2ETest {

    static final int PORT_A = 19301;
    static final int PORT_B = 19302;
    static final int GRAPH_PORT = 19310;
    static final int BROKER_PRIMARY_PORT = 19361;
    static final int BROKER_BACKUP_PORT = 19362;
    /** The machine's Redis; this run's keys carry {@link #redisKeyPrefix}. */
    static final String REDIS_URL = "redis://127.0.0.1:6379";
    /** The tenant created after its event was parked (not one of {@link #TENANTS}, whose events are counted). */
    static final String PARKED_TENANT = "e2e-parked";
    /** This run's keys only, removed after it: the machine's Redis is shared with other tests and benches. */
    final String redisKeyPrefix = "pasarela-e2e-" + UUID.randomUUID() + ":";
    /** The per-number rate on both replicas: low, so a second's worth of slots outlasts delivery jitter. */
    static final int RATE = 5;
    static final int SENDS = 40;
    /** Webhooks per second from the generator: a correctness run, not a benchmark. */
    static final int EVENTS_PER_SECOND = 12;
    static final List<String> TENANTS = List.of("so-norte", "so-sur", "so-este");
    static final String CHANNEL_TENANT = "so-canales";
    static final String NUMBER_ID = "109876543219001";
    static final String CONTACT = "34611000901";
    static final List<String> QUEUES = List.of("in.stripe", "in.meta", "out.whatsapp");

    final Path dir = Path.of("target", "e2e", "scale-out-" + System.currentTimeMillis()).toAbsolutePath();
    final GatewayProcess a = new GatewayProcess(dir, "gateway-a", PORT_A);
    final GatewayProcess b = new GatewayProcess(dir, "gateway-b", PORT_B);
    final WireMockServer graph = new WireMockServer(WireMockConfiguration.options().port(GRAPH_PORT)
            .bindAddress("127.0.0.1").usingFilesUnderDirectory("config/offline"));
    final String database = "wte2e_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    /** The broker pair's JDBC shared store: a database of its own, as in docker-compose.yml */
    final String brokerDatabase = database + "_broker";
    ArtemisPair broker;
    RedisClient redis;
    Load load;

    @AfterEach
    void cleanUp() {
        if (load != null) {
            load.stop();
        }
        a.stop();
        b.stop();
        if (broker != null) {
            broker.close();
        }
        graph.stop();
        if (redis != null) {
            removeRedisKeys();
            redis.shutdown();
        }
        postgres("postgres").execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        postgres("postgres").execute("DROP DATABASE IF EXISTS " + brokerDatabase + " WITH (FORCE)");
    }

    @Test
    void acknowledgedEventsApplyOnceAndSendsKeepTheRateThroughAGatewayAndABrokerKilled() throws Exception {
        Files.createDirectories(dir);
        postgres("postgres").execute("CREATE DATABASE " + database);
        postgres("postgres").execute("CREATE DATABASE " + brokerDatabase);
        redis = RedisClient.create(REDIS_URL);
        removeRedisKeys();
        Path brokerDir = Files.createDirectories(dir.resolve("broker"));
        broker = ArtemisPair.start(brokerDir, "jdbc:postgresql://127.0.0.1:5432/" + brokerDatabase,
                BROKER_PRIMARY_PORT, BROKER_BACKUP_PORT);
        graph.start();
        warmUp(graph);
        Map<String, String> env = env(tenantsFile());
        CompletableFuture<Void> startB = CompletableFuture.runAsync(() -> start(b, env));
        start(a, env);
        startB.join();
        String apiKey = a.ops("POST", "/ops/tenants/" + CHANNEL_TENANT + "/api-keys", "{\"name\":\"e2e\"}")
                .json().path("key").asText();

        // 0. dead letters are the broker's, not a replica's: an event one replica parked is listed and replayed from the other
        parkedOnOneReplicaIsReplayedFromTheOther();

        // 1. both replicas: webhooks round-robin (every 5th to both), WhatsApp sends through both to one number
        load = new Load(List.of(a, b));
        load.start();
        // each replica's first provider calls take up to a second in a cold JVM on these two busy cores
        // and reach the stand-in together: the shaping holds slots, not a stalled process's sockets.
        // So the sends whose arrivals are measured come once the replicas have taken webhooks for a
        // while, and after two sends through each.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> load.acknowledged() >= 60);
        Map<String, String> warmUps = sendThroughBoth(apiKey, 4, 800);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> graphArrivals().size() >= warmUps.size());
        graph.resetRequests();
        Map<String, String> sends = sendThroughBoth(apiKey, SENDS, 900); // message id → recipient
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> graphArrivals().size() >= sends.size());

        String shapingMetrics = metrics(a, "pasarela_limits_fallback|pasarela_outbound_shaped_later")
                + metrics(b, "pasarela_limits_fallback|pasarela_outbound_shaped_later");

        // 2. one replica killed with SIGKILL while events arrive and are delivered: the survivor takes all
        int before = load.acknowledged();
        load.only(a);
        b.kill();
        await().atMost(Duration.ofSeconds(60)).until(() -> load.acknowledged() >= before + 40);

        // 3. the primary broker killed with SIGKILL: the gateway fails over to the backup
        int beforeBroker = load.acknowledged();
        load.brokerKilledAt.set(System.nanoTime());
        broker.killPrimary();
        broker.awaitBackupLive(Duration.ofSeconds(60));
        long backupLiveAfter = System.nanoTime() - load.brokerKilledAt.get();
        await().atMost(Duration.ofSeconds(90)).until(() -> load.acknowledged() >= beforeBroker + 40);

        // 4. the generator stops; what was not acknowledged is sent again, as a provider would
        load.stopTicking();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> load.unacknowledged().isEmpty());
        load.stop();

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(depths()).as("queue depths on the live broker").allSatisfy((q, n) -> assertThat(n).isZero());
            assertThat(missingStripe()).as("acknowledged Stripe events not applied").isEmpty();
            assertThat(missingMeta(apiKey)).as("acknowledged WhatsApp messages not stored").isEmpty();
        });

        // exactly once
        Map<String, Integer> stripeApplied = stripeApplied();
        Map<String, Integer> metaRows = metaRows(apiKey);
        report("stripe", Kind.STRIPE, stripeApplied);
        report("meta-inbound", Kind.META, metaRows);
        System.out.printf("webhooks: %d attempts for %d events, %d events sent to both replicas; answers %s%n",
                load.attempts.get(), load.events.size(), load.doubled.get(), new java.util.TreeMap<>(load.answers));
        for (String t : TENANTS) {
            JsonNode events = a.ops("GET", "/ops/tenants/" + t + "/events?limit=1000", null).json();
            long applied = events.findValuesAsText("outcome").stream().filter("applied"::equals).count();
            JsonNode tenant = a.ops("GET", "/ops/tenants/" + t, null).json();
            assertThat(tenant.path("revision").asLong()).as("one revision per applied event of " + t).isEqualTo(applied);
            long newest = load.events.values().stream()
                    .filter(e -> e.kind == Kind.STRIPE && e.tenant.equals(t) && e.subscription && e.acked)
                    .mapToLong(e -> e.created).max().orElseThrow();
            long asOf = java.time.Instant.parse(tenant.path("subscription").path("asOf").asText()).getEpochSecond();
            assertThat(asOf).as("the newest acknowledged state of " + t + " won").isGreaterThanOrEqualTo(newest);
        }
        assertThat(stripeApplied.values()).as("Stripe events applied twice").allMatch(n -> n == 1);
        assertThat(metaRows.values()).as("WhatsApp messages stored twice").allMatch(n -> n == 1);
        assertThat(load.doubled.get()).as("events sent to both replicas").isPositive();

        // no dead letter, on the gateway's queues or the broker's own
        JsonNode dlq = a.ops("GET", "/ops/dlq", null).json();
        List<String> dead = new ArrayList<>();
        dlq.forEach(q -> {
            if (q.path("count").asInt() > 0) {
                dead.add(q.path("queue").asText() + "=" + q.path("count").asInt());
            }
        });
        assertThat(dead).as("dead-letter and parking queues").isEmpty();
        assertThat(messageCount("DLQ")).as("the broker's own DLQ").isZero();

        // outbound: every accepted send arrived once, and no second held more than the rate
        List<LoggedRequest> arrivals = graphArrivals();
        Map<String, Integer> perRecipient = new HashMap<>();
        arrivals.forEach(r -> perRecipient.merge(recipient(r), 1, Integer::sum));
        int arrivedOnce = (int) sends.values().stream().filter(to -> perRecipient.getOrDefault(to, 0) >= 1).count();
        int extra = sends.values().stream().mapToInt(to -> Math.max(0, perRecipient.getOrDefault(to, 0) - 1)).sum();
        line("whatsapp-out", SENDS, sends.size(), arrivedOnce, extra);
        List<Long> times = arrivals.stream().map(r -> r.getLoggedDate().getTime()).sorted().toList();
        int maxSliding = maxInWindow(times);
        System.out.printf("failover: gateway killed -> %d events re-sent to the survivor; primary broker killed -> "
                        + "backup live after %d ms, first 2xx after %d ms, %d non-2xx answers meanwhile%n",
                load.resentAfterGatewayKill.get(), TimeUnit.NANOSECONDS.toMillis(backupLiveAfter),
                TimeUnit.NANOSECONDS.toMillis(load.firstAckAfterBrokerKill.get()), load.refusedDuringFailover.get());
        Map<Long, Integer> perSecond = new HashMap<>();
        times.forEach(t -> perSecond.merge(t / 1000, 1, Integer::sum));
        System.out.printf("whatsapp-out: at most %d sends in any sliding 1 s window, %d in an aligned second (rate %d/s);"
                        + " %d sends over %d ms%n", maxSliding, perSecond.values().stream().max(Integer::compare).orElse(0),
                RATE, times.size(), times.isEmpty() ? 0 : times.get(times.size() - 1) - times.get(0));
        assertThat(sends).as("sends accepted").hasSize(SENDS);
        assertThat(arrivedOnce).as("accepted sends that reached the stand-in").isEqualTo(SENDS);
        assertThat(extra).as("sends that reached the stand-in twice").isZero();
        // The replicas take their slots from one bucket in Redis: the sends cannot leave faster than the
        // rate allows, 1/RATE s apart (a second of slack for a first send that left late). Per-process
        // buckets would let each replica send its half at the full rate, in half the time.
        long span = times.isEmpty() ? 0 : times.get(times.size() - 1) - times.get(0);
        assertThat(span).as("ms from the first send's arrival to the last's; arrivals %s; %s",
                times.stream().map(t -> t - times.get(0)).toList(), shapingMetrics)
                .isGreaterThanOrEqualTo((SENDS - 1) * 1000L / RATE - 1000);
        // Each call is in its number's window in Redis from before its request leaves until a second after
        // its answer: however late a call went out (these two cores are shared by both replicas, the broker
        // pair and PostgreSQL), no second of the stand-in's holds more than the rate.
        // (while Redis answers: a replica that fell back to its own window would show in the fallback counts)
        assertThat(maxSliding).as("sends in one sliding second at the stand-in, rate %d; arrivals %s; %s", RATE,
                times.stream().map(t -> t - times.get(0)).toList(), shapingMetrics).isLessThanOrEqualTo(RATE);
        String logs = Files.readString(a.log()) + Files.readString(b.log());
        assertThat(logs).doesNotContain(StripeFixtures.SECRET).doesNotContain(GatewayProcess.OPS)
                .doesNotContain(GatewayTest.META_APP_SECRET).doesNotContain(apiKey).doesNotContain(CONTACT).doesNotContain(broker.password());
    }

    /**
     * An event whose customer is no tenant's yet, taken by replica b and parked; replica a lists it,
     * the tenant is created through a, a replays it, and b's answer shows it applied once.
     */
    void parkedOnOneReplicaIsReplayedFromTheOther() {
        byte[] body = StripeFixtures.event("customer.subscription.updated.basil.json").id("evt_so_parked")
                .created(1_750_000_000L).customer("cus_e2e_parked").status("active").bytes();
        assertThat(b.http().stripe(body, StripeFixtures.sign(body)).status()).as("an unknown customer's event").isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> parked(a) == 1);
        assertThat(a.ops("PUT", "/ops/tenants/" + PARKED_TENANT, "{\"name\":\"Concesionario tardío\","
                + "\"identities\":{\"stripe\":\"cus_e2e_parked\"}}").status()).as("tenant created").isEqualTo(201);
        JsonNode replay = a.ops("POST", "/ops/dlq/parked.unknown-tenant/replay", null).json();
        assertThat(replay.path("replayed").asInt()).as("replayed from replica a: %s", replay).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                "active".equals(b.ops("GET", "/ops/tenants/" + PARKED_TENANT, null).json().path("subscription")
                        .path("status").asText()));
        JsonNode events = b.ops("GET", "/ops/tenants/" + PARKED_TENANT + "/events", null).json();
        assertThat(events.findValuesAsText("eventKey")).as("the replayed event, applied once").containsExactly("stripe:evt_so_parked");
        assertThat(parked(b)).as("parked.unknown-tenant, read on replica b").isZero();
        System.out.println("dead letters: parked on replica b, listed and replayed from replica a, applied once");
    }

    static int parked(GatewayProcess g) {
        for (JsonNode q : g.ops("GET", "/ops/dlq", null).json()) {
            if (q.path("queue").asText().equals("parked.unknown-tenant")) {
                return q.path("count").asInt();
            }
        }
        throw new AssertionError("/ops/dlq does not list parked.unknown-tenant");
    }

    // ---- the load generator ----

    enum Kind { STRIPE, META }

    /** One webhook event; sent until a 2xx answers it (or the run ends). */
    static final class Event {
        final int i;
        final Kind kind;
        final String key;
        final String tenant;
        final long created;
        final boolean subscription;
        volatile boolean acked;

        Event(int i) {
            this.i = i;
            this.kind = i % 2 == 0 ? Kind.STRIPE : Kind.META;
            this.tenant = kind == Kind.STRIPE ? TENANTS.get((i / 2) % TENANTS.size()) : CHANNEL_TENANT;
            this.created = 1_760_000_000L + i * 10L;
            this.subscription = i % 10 != 6;
            this.key = kind == Kind.STRIPE ? "stripe:evt_so_" + i : "wamid.SO" + String.format("%07d", i);
        }

        HttpRequest request(GatewayProcess g) {
            if (kind == Kind.STRIPE) {
                StripeFixtures.Event e = subscription
                        ? StripeFixtures.event("customer.subscription.updated.basil.json").status(i % 7 == 0 ? "past_due" : "active")
                        : StripeFixtures.event("invoice.payment_failed.basil.json");
                e.id("evt_so_" + i).created(created).customer("cus_" + tenant.replace("-", "_"));
                byte[] body = e.bytes();
                return HttpRequest.newBuilder(URI.create(g.http().base() + "/webhooks/stripe"))
                        .header("Content-Type", "application/json; charset=utf-8")
                        .header("Stripe-Signature", StripeFixtures.sign(body))
                        .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            }
            byte[] body = MetaFixtures.whatsAppText("102290129340398", NUMBER_ID, CONTACT, key, "Hola " + i);
            return HttpRequest.newBuilder(URI.create(g.http().base() + "/webhooks/meta"))
                    .header("Content-Type", "application/json").header("X-Hub-Signature-256", MetaFixtures.sign(body))
                    .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        }
    }

    /**
     * Ticks {@link #EVENTS_PER_SECOND} new events onto a small pool of senders, round-robin over
     * the live replicas, every 5th to two of them at once. An attempt answered other than 2xx (or
     * not answered) is tried again a second later, on a live replica, as a provider would retry.
     */
    final class Load {
        final Map<Integer, Event> events = new ConcurrentHashMap<>();
        final List<GatewayProcess> live;
        final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
        final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor();
        final ExecutorService senders = Executors.newFixedThreadPool(6);
        /** the second leg of a doubled event: a pool of its own, so a sender never waits on its own pool */
        final ExecutorService seconds = Executors.newFixedThreadPool(3);
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger attempts = new AtomicInteger();
        final AtomicInteger doubled = new AtomicInteger();
        final AtomicInteger resentAfterGatewayKill = new AtomicInteger();
        final AtomicInteger refusedDuringFailover = new AtomicInteger();
        final AtomicLong brokerKilledAt = new AtomicLong();
        final AtomicLong firstAckAfterBrokerKill = new AtomicLong(-1);
        final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
        volatile boolean gatewayKilled;

        Load(List<GatewayProcess> replicas) {
            this.live = new CopyOnWriteArrayList<>(replicas);
        }

        void start() {
            ticks.scheduleAtFixedRate(() -> {
                Event e = new Event(next.getAndIncrement());
                events.put(e.i, e);
                senders.submit(() -> first(e));
            }, 0, 1_000_000 / EVENTS_PER_SECOND, TimeUnit.MICROSECONDS);
        }

        /** From now on only {@code survivor} is sent to. */
        void only(GatewayProcess survivor) {
            live.retainAll(List.of(survivor));
            gatewayKilled = true;
        }

        void first(Event e) {
            List<GatewayProcess> targets = List.copyOf(live);
            if (e.i % 5 == 0 && targets.size() > 1) {
                doubled.incrementAndGet();
                CompletableFuture<Boolean> other = CompletableFuture.supplyAsync(() -> attempt(e, targets.get(1)), seconds);
                boolean first = attempt(e, targets.get(0));
                if (!(other.join() | first)) {
                    retryLater(e);
                }
            } else if (!attempt(e, targets.get(e.i % targets.size()))) {
                retryLater(e);
            }
        }

        void retryLater(Event e) {
            if (gatewayKilled) {
                resentAfterGatewayKill.incrementAndGet();
            }
            if (!retries.isShutdown()) {
                retries.schedule(() -> senders.submit(() -> {
                    List<GatewayProcess> targets = List.copyOf(live);
                    if (!attempt(e, targets.get(e.i % targets.size()))) {
                        retryLater(e);
                    }
                }), 1, TimeUnit.SECONDS);
            }
        }

        boolean attempt(Event e, GatewayProcess g) {
            attempts.incrementAndGet();
            long startedAt = System.nanoTime();
            String answer;
            boolean ok;
            try {
                int status = client.send(e.request(g), HttpResponse.BodyHandlers.discarding()).statusCode();
                answer = String.valueOf(status);
                ok = status / 100 == 2;
            } catch (java.io.IOException | UncheckedIOException failed) {
                answer = failed.getClass().getSimpleName();
                ok = false;
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
                return false;
            }
            answers.computeIfAbsent(g.name() + " " + answer, k -> new AtomicInteger()).incrementAndGet();
            long killed = brokerKilledAt.get();
            if (killed != 0 && startedAt > killed) {
                if (ok) {
                    firstAckAfterBrokerKill.compareAndSet(-1, System.nanoTime() - killed);
                } else if (firstAckAfterBrokerKill.get() == -1) {
                    refusedDuringFailover.incrementAndGet();
                }
            }
            if (ok) {
                e.acked = true;
            }
            return ok;
        }

        int acknowledged() {
            return (int) events.values().stream().filter(e -> e.acked).count();
        }

        List<Event> unacknowledged() {
            return events.values().stream().filter(e -> !e.acked).toList();
        }

        void stopTicking() {
            ticks.shutdown(); // the retries go on
        }

        void stop() {
            ticks.shutdownNow();
            retries.shutdownNow();
            senders.shutdownNow();
            seconds.shutdownNow();
        }
    }

    // ---- outbound ----

    /** {@link #SENDS} WhatsApp templates to distinct recipients, half through each replica, all at once. */
    /** {@code count} sends, alternately through each replica, to recipients numbered from {@code firstRecipient}. */
    Map<String, String> sendThroughBoth(String apiKey, int count, int firstRecipient) {
        Map<String, String> accepted = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            int n = k;
            all.add(CompletableFuture.runAsync(() -> {
                GatewayProcess g = n % 2 == 0 ? a : b;
                String to = "+34600" + String.format("%06d", firstRecipient + n);
                Http.Response r = g.http().send(HttpRequest.newBuilder(URI.create(g.http().base() + "/api/v1/whatsapp/messages"))
                        .header("Content-Type", "application/json").header("X-Api-Key", apiKey)
                        .header("Idempotency-Key", "so-wa-" + (firstRecipient + n))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"" + to + "\",\"type\":\"template\","
                                + "\"template\":{\"name\":\"hello_world\",\"language\":\"en_US\"}}")));
                if (r.status() == 202) {
                    accepted.put(r.json().path("id").asText(), to.substring(1));
                } else {
                    System.out.printf("whatsapp-out: send %d answered %d%n", n, r.status());
                }
            }, pool));
        }
        all.forEach(CompletableFuture::join);
        pool.shutdown();
        return accepted;
    }

    /**
     * Has the stand-in answer a send before the gateways do: its first templated answer takes seconds
     * (Handlebars, JsonPath loaded and compiled), and it logs the requests that queue meanwhile when
     * it gets to them, so their arrivals bunched although the gateways had called 1/RATE s apart.
     * Another number's path: not counted as an arrival.
     */
    static void warmUp(WireMockServer graph) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        for (int i = 0; i < 3; i++) {
            HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(URI.create(graph.baseUrl()
                            + "/v21.0/100000000000001/messages")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"warm-up\"}")).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(answer.statusCode()).as("the Graph stand-in's send answer").isEqualTo(200);
        }
        graph.resetRequests();
    }

    List<LoggedRequest> graphArrivals() {
        return graph.findAll(postRequestedFor(urlPathMatching("/v[0-9.]+/" + NUMBER_ID + "/messages")));
    }

    static String recipient(LoggedRequest r) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("34600[0-9]{6}").matcher(r.getBodyAsString());
        return m.find() ? m.group() : "?";
    }

    /** The most arrivals in any half-open window [t, t + 1000 ms) starting at an arrival. */
    static int maxInWindow(List<Long> sortedMillis) {
        int max = 0;
        for (int i = 0, j = 0; i < sortedMillis.size(); i++) {
            while (j < sortedMillis.size() && sortedMillis.get(j) < sortedMillis.get(i) + 1000) {
                j++;
            }
            max = Math.max(max, j - i);
        }
        return max;
    }

    /** The gateway's Prometheus samples whose names match, one line each, prefixed with its name. */
    static String metrics(GatewayProcess g, String names) {
        StringBuilder out = new StringBuilder();
        for (String l : g.ops("GET", "/actuator/prometheus", null).body().split("\n")) {
            if (!l.startsWith("#") && java.util.regex.Pattern.compile(names).matcher(l).find()) {
                out.append(g.name()).append(' ').append(l).append("; ");
            }
        }
        return out.toString();
    }

    // ---- what the gateways hold ----

    /** Stripe event key → entries in its tenant's processed events, for every acknowledged event. */
    Map<String, Integer> stripeApplied() {
        Map<String, Integer> seen = new HashMap<>();
        for (String t : TENANTS) {
            a.ops("GET", "/ops/tenants/" + t + "/events?limit=1000", null).json().findValuesAsText("eventKey")
                    .forEach(k -> seen.merge(k, 1, Integer::sum));
        }
        return seen;
    }

    List<String> missingStripe() {
        Map<String, Integer> seen = stripeApplied();
        return load.events.values().stream().filter(e -> e.kind == Kind.STRIPE && e.acked && !seen.containsKey(e.key))
                .map(e -> e.key).toList();
    }

    /** wamid → rows of it in the contact's conversation (all pages). */
    Map<String, Integer> metaRows(String apiKey) {
        Map<String, Integer> rows = new HashMap<>();
        Http.Response list = api(apiKey, "/api/v1/conversations?channel=whatsapp&contact=" + enc(CONTACT));
        if (list.status() != 200 || list.json().path("conversations").isEmpty()) {
            return rows;
        }
        String conversation = list.json().path("conversations").get(0).path("id").asText();
        String token = null;
        do {
            Http.Response page = api(apiKey, "/api/v1/conversations/" + enc(conversation) + "/messages?limit=100"
                    + (token == null ? "" : "&pageToken=" + enc(token)));
            assertThat(page.status()).as("conversation page").isEqualTo(200);
            for (JsonNode m : page.json().path("messages")) {
                if ("inbound".equals(m.path("direction").asText())) {
                    rows.merge(m.path("id").asText(), 1, Integer::sum);
                }
            }
            token = page.json().path("nextPageToken").asText(null);
        } while (token != null);
        return rows;
    }

    List<String> missingMeta(String apiKey) {
        Map<String, Integer> rows = metaRows(apiKey);
        return load.events.values().stream().filter(e -> e.kind == Kind.META && e.acked && !rows.containsKey(e.key))
                .map(e -> e.key).toList();
    }

    Http.Response api(String apiKey, String pathAndQuery) {
        return a.http().send(HttpRequest.newBuilder(URI.create(a.http().base() + pathAndQuery)).header("X-Api-Key", apiKey).GET());
    }

    void report(String label, Kind kind, Map<String, Integer> applied) {
        List<Event> ofKind = load.events.values().stream().filter(e -> e.kind == kind).toList();
        List<Event> acked = ofKind.stream().filter(e -> e.acked).toList();
        int once = (int) acked.stream().filter(e -> applied.getOrDefault(e.key, 0) >= 1).count();
        int extra = acked.stream().mapToInt(e -> Math.max(0, applied.getOrDefault(e.key, 0) - 1)).sum();
        line(label, ofKind.size(), acked.size(), once, extra);
    }

    static void line(String kind, int sent, int acknowledged, int applied, int duplicated) {
        System.out.printf("%s: sent=%d acknowledged=%d applied=%d duplicated=%d lost=%d%n",
                kind, sent, acknowledged, applied, duplicated, acknowledged - applied);
    }

    // ---- the broker ----

    Map<String, Long> depths() throws Exception {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String q : QUEUES) {
            out.put(q, messageCount(q));
        }
        return out;
    }

    /** A queue's message count (scheduled and in-delivery ones included) from the live broker's management. */
    long messageCount(String queue) {
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(broker.brokerUrl(), broker.user(), broker.password())) {
            return ArtemisManagement.messageCount(cf, queue, Duration.ofSeconds(10))
                    .orElseThrow(() -> new AssertionError("no management answer for the messageCount of " + queue));
        }
    }

    // ---- set-up ----

    Path tenantsFile() throws Exception {
        StringBuilder yml = new StringBuilder("tenants:\n");
        for (String t : TENANTS) {
            yml.append("  - id: ").append(t).append("\n    name: Concesionario ").append(t)
                    .append("\n    identities:\n      stripe: cus_").append(t.replace("-", "_")).append('\n');
        }
        yml.append("  - id: ").append(CHANNEL_TENANT).append("\n    name: Concesionario canales\n    plan: enterprise\n")
                .append("    identities:\n      whatsapp: \"").append(NUMBER_ID).append("\"\n");
        return Files.writeString(dir.resolve("tenants.yml"), yml);
    }

    Map<String, String> env(Path tenants) {
        Map<String, String> env = new HashMap<>();
        env.put("SPRING_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:5432/" + database);
        env.put("SPRING_DATASOURCE_USERNAME", "postgres");
        env.put("SPRING_DATASOURCE_PASSWORD", "");
        env.put("PASARELA_STORE_TYPE", "jdbc");
        env.put("PASARELA_RATE_LIMITS_STORE", "redis");
        env.put("PASARELA_REDIS_URL", REDIS_URL);
        env.put("PASARELA_REDIS_KEY_PREFIX", redisKeyPrefix);
        env.put("SPRING_ARTEMIS_MODE", "native");
        env.put("SPRING_ARTEMIS_EMBEDDED_ENABLED", "false");
        env.put("SPRING_ARTEMIS_BROKER_URL", broker.brokerUrl());
        env.put("SPRING_ARTEMIS_USER", broker.user());
        env.put("SPRING_ARTEMIS_PASSWORD", broker.password());
        env.put("PASARELA_TENANTS_FILE", tenants.toString());
        env.put("STRIPE_WEBHOOK_SECRET", StripeFixtures.SECRET);
        env.put("META_APP_SECRET", GatewayTest.META_APP_SECRET);
        env.put("META_GRAPH_BASE_URL", graph.baseUrl());
        env.put("WHATSAPP_ACCESS_TOKEN", "e2e-whatsapp-token");
        env.put("WHATSAPP_PHONE_NUMBER_ID", "106540352242922");
        env.put("WHATSAPP_BUSINESS_ACCOUNT_ID", "102290129340398");
        env.put("WHATSAPP_MESSAGES_PER_SECOND", String.valueOf(RATE));
        return env;
    }

    static void start(GatewayProcess g, Map<String, String> env) {
        try {
            g.start(env);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void removeRedisKeys() {
        try (StatefulRedisConnection<String, String> c = redis.connect()) {
            // SCAN, not KEYS: the Redis is shared, and KEYS blocks it while it walks every key
            io.lettuce.core.ScanIterator<String> keys = io.lettuce.core.ScanIterator.scan(c.sync(),
                    io.lettuce.core.ScanArgs.Builder.matches(redisKeyPrefix + "*").limit(500));
            while (keys.hasNext()) {
                c.sync().del(keys.next());
            }
        }
    }

    static JdbcTemplate postgres(String db) {
        return new JdbcTemplate(new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:5432/" + db, "postgres", ""));
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
