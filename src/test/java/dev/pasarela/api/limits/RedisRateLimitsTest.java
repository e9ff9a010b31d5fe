package dev.pasarela.api.limits;

import dev.pasarela.tenants.PlanCatalog;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.DefaultResourceLoader;

/** Bucket4j buckets on the machine's Redis: two replicas share one tenant's limit. */
class RedisRateLimitsTest {

    static RedisClient client;
    final PlanCatalog.Plan free = new PlanCatalog(new DefaultResourceLoader(), "file:config/plans.yml").plan("free");

    @BeforeAll
    static void connect() {
        client = RedisClient.create(System.getProperty("pasarela.test.redis-url", "redis://127.0.0.1:6379"));
    }

    @AfterAll
    static void close() {
        client.shutdown();
    }

    @Test
    void twoReplicasShareOneTenantsBuckets() {
        RateLimits replicaA = new RateLimits(RateLimitsConfiguration.redis(client), Clock.systemUTC());
        RateLimits replicaB = new RateLimits(RateLimitsConfiguration.redis(client), Clock.systemUTC());
        String tenant = "redis-" + UUID.randomUUID();
        // free: 2 calls per second per integration
        assertThat(replicaA.tryConsume(tenant, "usage", free).allowed()).isTrue();
        assertThat(replicaB.tryConsume(tenant, "usage", free).allowed()).isTrue();
        RateLimits.Decision third = replicaA.tryConsume(tenant, "usage", free);
        assertThat(third.allowed()).isFalse();
        assertThat(third.resetSeconds()).isPositive();
        assertThat(replicaB.tryConsume(tenant, "usage", free).allowed()).isFalse();
        // another integration of the same tenant still has its own budget (and the tenant's is 5)
        assertThat(replicaB.tryConsume(tenant, "billing", free).allowed()).isTrue();
    }

    @Test
    void aRedisThatCannotBeReachedAtStartStopsTheStartNamingTheVariable() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        new RateLimitsConfiguration().rateLimits(
                                new RateLimitsProperties("redis", java.net.URI.create("redis://127.0.0.1:1")),
                                Clock.systemUTC()))
                .hasMessageContaining("PASARELA_REDIS_URL");
    }

    @Test
    void aBucketStoreFailingLaterLetsCallsThrough() {
        RateLimits limits = new RateLimits((key, configuration) -> {
            throw new IllegalStateException("redis went away");
        }, Clock.systemUTC());
        assertThat(limits.tryConsume("t", "usage", free).allowed()).isTrue();
    }
}
