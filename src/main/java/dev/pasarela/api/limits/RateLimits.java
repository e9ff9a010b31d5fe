package dev.pasarela.api.limits;

import dev.pasarela.tenants.PlanCatalog;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;

/**
 * Per-second limits of {@code /api/**} with Bucket4j: one bucket per tenant, one per tenant and
 * integration, sized by the tenant's plan; the burst equals the rate. Buckets are keyed by plan
 * and rate too, so a plan change takes effect on the next call. Where the buckets live is the
 * {@code buckets} function: in memory (one JVM), or Redis (shared by every replica).
 */
public class RateLimits {

    /** What a call consumed: the tightest of the two buckets, for the RateLimit-* headers. */
    public record Decision(boolean allowed, long limit, long remaining, long resetSeconds, String exhausted) {}

    /** Finds or creates the bucket of a key with the given configuration. */
    public interface Buckets {
        Bucket bucket(String key, BucketConfiguration configuration);
    }

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RateLimits.class);
    private final Buckets buckets;
    private final java.time.Clock clock;
    private final java.util.concurrent.atomic.AtomicLong lastWarning = new java.util.concurrent.atomic.AtomicLong();

    public RateLimits(Buckets buckets, java.time.Clock clock) {
        this.buckets = buckets;
        this.clock = clock;
    }

    /**
     * Consumes one call. If the bucket store cannot be reached (Redis down), the call is let
     * through: an outage of the limiter must not become an outage of the API.
     */
    public Decision tryConsume(String tenantId, String integration, PlanCatalog.Plan plan) {
        try {
            return consume(tenantId, integration, plan);
        } catch (RuntimeException unavailable) {
            long now = clock.millis();
            if (now - lastWarning.get() > 60_000 && lastWarning.getAndSet(now) != now) {
                log.warn("Rate limits unavailable, letting calls through: {}", unavailable.toString());
            }
            return new Decision(true, plan.requestsPerSecond(), plan.requestsPerSecond(), 1, null);
        }
    }

    private Decision consume(String tenantId, String integration, PlanCatalog.Plan plan) {
        long tenantRate = plan.requestsPerSecond();
        long integrationRate = plan.integrationRate(integration);
        // the integration first: a hammered integration must not drain the tenant's budget for the others
        Bucket integrationBucket = bucket(tenantId + "|" + integration + "|" + plan.name() + "|" + integrationRate,
                integrationRate);
        ConsumptionProbe one = integrationBucket.tryConsumeAndReturnRemaining(1);
        if (!one.isConsumed()) {
            return refused(integrationRate, one, integration);
        }
        ConsumptionProbe whole = bucket(tenantId + "|*|" + plan.name() + "|" + tenantRate, tenantRate)
                .tryConsumeAndReturnRemaining(1);
        if (!whole.isConsumed()) {
            integrationBucket.addTokens(1);
            return refused(tenantRate, whole, "tenant");
        }
        boolean integrationTighter = one.getRemainingTokens() * tenantRate < whole.getRemainingTokens() * integrationRate;
        return integrationTighter ? new Decision(true, integrationRate, one.getRemainingTokens(), 1, null)
                : new Decision(true, tenantRate, whole.getRemainingTokens(), 1, null);
    }

    private static Decision refused(long limit, ConsumptionProbe probe, String which) {
        long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
        return new Decision(false, limit, 0, seconds, which);
    }

    private Bucket bucket(String key, long perSecond) {
        return buckets.bucket(key, BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)).build())
                .build());
    }

    /** Buckets in this JVM only, forgotten after ten idle minutes. */
    public static Buckets inMemory() {
        com.github.benmanes.caffeine.cache.Cache<String, Bucket> cache = com.github.benmanes.caffeine.cache.Caffeine
                .newBuilder().expireAfterAccess(Duration.ofMinutes(10)).maximumSize(200_000).build();
        return (key, configuration) -> cache.get(key, k -> Bucket.builder().addLimit(configuration.getBandwidths()[0]).build());
    }
}
