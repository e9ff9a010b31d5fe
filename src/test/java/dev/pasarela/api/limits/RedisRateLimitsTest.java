package dev.pasarela.api.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.redis.RedisBucketStore;
import dev.pasarela.tenants.PlanCatalog;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.DefaultResourceLoader;

/** Bucket4j buckets on the machine's Redis: two replicas share one tenant's limit. */
class RedisRateLimitsTest {

    static final String REDIS = System.getProperty("pasarela.test.redis-url", "redis://127.0.0.1:6379");
    static RedisClient client;
    final PlanCatalog.Plan free = new PlanCatalog(new DefaultResourceLoader(), "file:config/plans.yml").plan("free");

    @BeforeAll
    static void connect() {
        client = RedisClient.create(REDIS);
    }

    @AfterAll
    static void close() {
        client.shutdown();
    }

    static RedisBucketStore store(String url, SimpleMeterRegistry meters) {
        return new RedisBucketStore(url, Duration.ofMillis(500), Duration.ofSeconds(5), meters);
    }

    @Test
    void twoReplicasShareOneTenantsBuckets() {
        String tenant = "wtshared-redis-" + UUID.randomUUID();
        try (RedisBucketStore a = store(REDIS, new SimpleMeterRegistry());
             RedisBucketStore b = store(REDIS, new SimpleMeterRegistry())) {
            RateLimits replicaA = new RateLimits(a.buckets("rate"), Clock.systemUTC());
            RateLimits replicaB = new RateLimits(b.buckets("rate"), Clock.systemUTC());
            // free: 2 calls per second per integration
            assertThat(replicaA.tryConsume(tenant, "usage", free).allowed()).isTrue();
            assertThat(replicaB.tryConsume(tenant, "usage", free).allowed()).isTrue();
            RateLimits.Decision third = replicaA.tryConsume(tenant, "usage", free);
            assertThat(third.allowed()).isFalse();
            assertThat(third.resetSeconds()).isPositive();
            assertThat(replicaB.tryConsume(tenant, "usage", free).allowed()).isFalse();
            // another integration of the same tenant still has its own budget (and the tenant's is 5)
            assertThat(replicaB.tryConsume(tenant, "billing", free).allowed()).isTrue();
        } finally {
            try (var c = client.connect()) {
                var keys = c.sync().keys("pasarela:rate:" + tenant + "|*");
                if (!keys.isEmpty()) {
                    c.sync().del(keys.toArray(String[]::new));
                }
            }
        }
    }

    @Test
    void aRedisThatCannotBeReachedLeavesEachReplicaItsOwnLimit() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (RedisBucketStore unreachable = store("redis://127.0.0.1:19299", meters)) {
            RateLimits limits = new RateLimits(unreachable.buckets("rate"), Clock.systemUTC());
            assertThat(limits.tryConsume("t", "usage", free).allowed()).isTrue();
            assertThat(limits.tryConsume("t", "usage", free).allowed()).isTrue();
            assertThat(limits.tryConsume("t", "usage", free).allowed()).as("limited on this replica").isFalse();
            assertThat(meters.find("pasarela.limits.fallback").tag("limit", "rate").counter().count()).isPositive();
        }
    }

    @Test
    void aBucketStoreFailingEvenLocallyLetsCallsThrough() {
        RateLimits limits = new RateLimits(new dev.pasarela.pipeline.BucketStore.Buckets() {
            @Override
            public <T> T apply(String key, io.github.bucket4j.BucketConfiguration configuration,
                               java.util.function.Function<io.github.bucket4j.Bucket, T> operation) {
                throw new IllegalStateException("redis went away");
            }
        }, Clock.systemUTC());
        assertThat(limits.tryConsume("t", "usage", free).allowed()).isTrue();
    }
}
