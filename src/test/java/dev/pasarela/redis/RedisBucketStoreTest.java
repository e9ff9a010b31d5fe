package dev.pasarela.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.pipeline.errors.ErrorHandling;
import dev.pasarela.pipeline.BucketStore;
import dev.pasarela.pipeline.CallWindows;
import dev.pasarela.pipeline.throttle.SlotShaping;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Shaping buckets on the machine's Redis: two replicas take their slots from one bucket per sender,
 * so together they hold the rate; with Redis unreachable each shapes alone and counts the fallback.
 */
class RedisBucketStoreTest {

    static final String REDIS = System.getProperty("pasarela.test.redis-url", "redis://127.0.0.1:6379");
    /** A port nothing listens on (this test's range). */
    static final String NO_REDIS = "redis://127.0.0.1:19299";

    static RedisClient cleaner;
    final String limit = "wtshared-" + UUID.randomUUID();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final DefaultCamelContext camel = new DefaultCamelContext();
    final List<RedisBucketStore> stores = new ArrayList<>();

    @BeforeAll
    static void connect() {
        cleaner = RedisClient.create(REDIS);
    }

    @AfterAll
    static void close() {
        cleaner.shutdown();
    }

    @AfterEach
    void cleanUp() {
        stores.forEach(RedisBucketStore::close);
        try (StatefulRedisConnection<String, String> c = cleaner.connect()) {
            List<String> keys = c.sync().keys("pasarela:" + limit + ":*");
            if (!keys.isEmpty()) {
                c.sync().del(keys.toArray(String[]::new));
            }
        }
    }

    RedisBucketStore replica(String url) {
        RedisBucketStore store = new RedisBucketStore(url, Duration.ofMillis(500), Duration.ofSeconds(5), meters);
        stores.add(store);
        return store;
    }

    /** When the message may be sent: now (after its inline wait), or the instant it was put back for. */
    long shapedAt(SlotShaping shaping, String sender, long rate) throws InterruptedException {
        Exchange e = new DefaultExchange(camel);
        shaping.shape(e, sender, rate);
        return e.getProperty(SlotShaping.LATER) == null ? System.currentTimeMillis()
                : e.getIn().getHeader(ErrorHandling.SCHEDULED_DELIVERY, Long.class);
    }

    @Test
    void twoReplicasTogetherHoldOneSendersRate() throws Exception {
        SlotShaping a = new SlotShaping(replica(REDIS).buckets(limit));
        SlotShaping b = new SlotShaping(replica(REDIS).buckets(limit));
        String sender = "whatsapp|" + UUID.randomUUID();
        int rate = 20;
        List<Long> slots = Collections.synchronizedList(new ArrayList<>());
        ExecutorService replicas = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (SlotShaping replica : List.of(a, b)) {
                done.add(replicas.submit(() -> {
                    for (int i = 0; i < rate; i++) { // 2 s of slots between the two
                        slots.add(shapedAt(replica, sender, rate));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            replicas.shutdownNow();
        }
        List<Long> sorted = slots.stream().sorted().toList();
        assertThat(sorted).hasSize(2 * rate);
        for (int i = 0; i < sorted.size(); i++) {
            long start = sorted.get(i);
            long inOneSecond = sorted.stream().filter(t -> t >= start && t < start + 1000).count();
            assertThat(inOneSecond).as("slots in the second from %d", start).isLessThanOrEqualTo(rate + 1);
        }
        assertThat(meters.find("pasarela.limits.fallback").counter().count()).isZero();
        // and both replicas' messages were put back for later: each saw the other's reservations
        assertThat(sorted.get(sorted.size() - 1) - sorted.get(0)).isGreaterThanOrEqualTo(1500);
    }

    @Test
    void aRedisThatCannotBeReachedLeavesEachReplicaShapingAloneAndCountsIt() throws Exception {
        RedisBucketStore store = replica(NO_REDIS); // starts anyway
        SlotShaping shaping = new SlotShaping(store.buckets("send"));
        Exchange first = new DefaultExchange(camel);
        shaping.shape(first, "whatsapp|number-a", 1);
        Exchange second = new DefaultExchange(camel);
        shaping.shape(second, "whatsapp|number-a", 1);
        assertThat(first.getProperty(SlotShaping.LATER)).as("through now").isNull();
        assertThat(second.getProperty(SlotShaping.LATER)).as("still shaped, on this replica's bucket").isEqualTo(true);
        for (int i = 0; i < 5; i++) { // enough failures to open the breaker: Redis is not asked again for a while
            shaping.shape(new DefaultExchange(camel), "whatsapp|number-b", 100);
        }
        assertThat(meters.find("pasarela.limits.fallback").tag("limit", "send").counter().count()).isEqualTo(7);
    }

    @Test
    void theSameKeyInAnotherLimitIsAnotherBucket() {
        BucketStore store = replica(REDIS);
        var config = SlotShaping.configuration(1);
        long first = store.buckets(limit).apply("k", config, bucket -> bucket.consumeIgnoringRateLimits(1));
        long other = store.buckets(limit + "-other").apply("k", config, bucket -> bucket.consumeIgnoringRateLimits(1));
        assertThat(first).isZero();
        assertThat(other).isZero();
        try (StatefulRedisConnection<String, String> c = cleaner.connect()) {
            assertThat(c.sync().exists("pasarela:" + limit + ":k")).isEqualTo(1);
            assertThat(c.sync().ttl("pasarela:" + limit + ":k")).as("Redis forgets it").isPositive();
            c.sync().del("pasarela:" + limit + "-other:k");
        }
    }

    @Test
    void twoReplicasShareOneCallWindowPerKeyOnRedissClock() throws Exception {
        CallWindows a = replica(REDIS).windows(limit);
        CallWindows b = replica(REDIS).windows(limit);
        CallWindows.Admission first = a.enter("whatsapp|number-a", 2);
        CallWindows.Admission second = b.enter("whatsapp|number-a", 2);
        assertThat(first.granted()).isTrue();
        assertThat(second.granted()).as("the other replica, the same window").isTrue();
        CallWindows.Admission third = a.enter("whatsapp|number-a", 2);
        assertThat(third.granted()).as("two calls in flight at rate 2").isFalse();
        assertThat(third.retryIn()).as("a call in flight leaves a second after its answer at the soonest")
                .isBetween(Duration.ofMillis(900), Duration.ofSeconds(1));
        assertThat(b.enter("whatsapp|number-b", 2).granted()).as("another key").isTrue();

        first.call().leave();
        CallWindows.Admission afterLeaving = b.enter("whatsapp|number-a", 2);
        assertThat(afterLeaving.granted()).as("a call that left is counted for one second more").isFalse();
        assertThat(afterLeaving.retryIn()).isBetween(Duration.ofMillis(1), Duration.ofMillis(1000));
        // granted once the call left a second ago (on Redis's clock): asked again until then
        CallWindows.Admission[] then = new CallWindows.Admission[1];
        org.awaitility.Awaitility.await().atMost(afterLeaving.retryIn().plusSeconds(2))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> (then[0] = b.enter("whatsapp|number-a", 2)).granted());
        second.call().leave();
        then[0].call().leave();
        try (StatefulRedisConnection<String, String> c = cleaner.connect()) {
            assertThat(c.sync().zcard("pasarela:" + limit + ":window:whatsapp|number-a")).isEqualTo(2);
            assertThat(c.sync().pttl("pasarela:" + limit + ":window:whatsapp|number-a"))
                    .as("Redis forgets the window after the lease").isBetween(1L, CallWindows.LEASE.toMillis() + 1000);
        }
        assertThat(meters.find("pasarela.limits.fallback").counter().count()).isZero();
    }

    @Test
    void aRedisThatCannotBeReachedLeavesEachReplicaWithItsOwnCallWindows() {
        CallWindows windows = replica(NO_REDIS).windows("send");
        CallWindows.Admission first = windows.enter("whatsapp|number-a", 1);
        assertThat(first.granted()).isTrue();
        assertThat(windows.enter("whatsapp|number-a", 1).granted()).as("still held, in this replica's window").isFalse();
        first.call().leave();
        assertThat(meters.find("pasarela.limits.fallback").tag("limit", "send").counter().count()).isEqualTo(2);
    }

    @Test
    void aKeyPrefixKeepsOneInstallationsKeysApartFromAnothers() {
        String prefix = "wtprefix-" + UUID.randomUUID() + ":";
        RedisBucketStore store = new RedisBucketStore(REDIS, prefix, Duration.ofMillis(500), Duration.ofSeconds(5), meters);
        stores.add(store);
        store.buckets("send").apply("k", SlotShaping.configuration(1), bucket -> bucket.consumeIgnoringRateLimits(1));
        store.windows("send").enter("k", 1).call().leave();
        try (StatefulRedisConnection<String, String> c = cleaner.connect()) {
            List<String> keys = c.sync().keys(prefix + "*");
            assertThat(keys).containsExactlyInAnyOrder(prefix + "send:k", prefix + "send:window:k");
            c.sync().del(keys.toArray(String[]::new));
        }
    }
}
