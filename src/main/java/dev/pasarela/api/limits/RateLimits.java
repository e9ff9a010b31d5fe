package dev.pasarela.api.limits;

import dev.pasarela.pipeline.BucketStore;
import dev.pasarela.tenants.PlanCatalog;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;

/**
 * Per-second limits of {@code /api/**} with Bucket4j: one bucket per tenant, one per tenant and
 * integration, sized by the tenant's plan; the burst equals the rate. Buckets are keyed by plan
 * and rate too, so a plan change takes effect on the next call. Where the buckets live is the
 * {@link BucketStore}: in memory (one JVM), or Redis (shared by every replica; when it does not
 * answer, each replica's own buckets: a tenant then gets up to N times its rate from N replicas).
 */
public class RateLimits {

    /** What a call consumed: the tightest of the two buckets, for the RateLimit-* headers. */
    public record Decision(boolean allowed, long limit, long remaining, long resetSeconds, String exhausted) {}

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RateLimits.class);
    private final BucketStore.Buckets buckets;
    private final java.time.Clock clock;
    private final java.util.concurrent.atomic.AtomicLong lastWarning = new java.util.concurrent.atomic.AtomicLong();

    public RateLimits(BucketStore.Buckets buckets, java.time.Clock clock) {
        this.buckets = buckets;
        this.clock = clock;
    }

    /**
     * Consumes one call. A shared store that cannot be reached falls back to this replica's buckets
     * ({@link BucketStore}); should even that fail, the call is let through: an outage of the
     * limiter must not become an outage of the API (quotas are counted in the store, not here).
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
        String integrationKey = tenantId + "|" + integration + "|" + plan.name() + "|" + integrationRate;
        ConsumptionProbe one = buckets.apply(integrationKey, perSecond(integrationRate),
                b -> b.tryConsumeAndReturnRemaining(1));
        if (!one.isConsumed()) {
            return refused(integrationRate, one, integration);
        }
        ConsumptionProbe whole = buckets.apply(tenantId + "|*|" + plan.name() + "|" + tenantRate, perSecond(tenantRate),
                b -> b.tryConsumeAndReturnRemaining(1));
        if (!whole.isConsumed()) {
            buckets.apply(integrationKey, perSecond(integrationRate), b -> {
                b.addTokens(1);
                return null;
            });
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

    private static BucketConfiguration perSecond(long rate) {
        return BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(rate).refillGreedy(rate, Duration.ofSeconds(1)).build())
                .build();
    }
}
