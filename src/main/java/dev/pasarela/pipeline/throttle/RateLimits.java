package dev.pasarela.pipeline.throttle;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Per-second limits of {@code /api/**} with Bucket4j, in memory (one JVM): one bucket per tenant,
 * one per tenant and integration, sized by the tenant's plan; the burst equals the rate. Buckets
 * are keyed by plan and rate too, so a plan change takes effect on the next call.
 */
@Component
public class RateLimits {

    /** What a call consumed: the tightest of the two buckets, for the RateLimit-* headers. */
    public record Decision(boolean allowed, long limit, long remaining, long resetSeconds, String exhausted) {}

    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(10)).maximumSize(200_000).build();

    public Decision tryConsume(String tenantId, String integration, PlanCatalog.Plan plan) {
        long tenantRate = plan.requestsPerSecond();
        long integrationRate = plan.integrationRate(integration);
        // the integration first: a hammered integration must not drain the tenant's budget for the others
        Bucket integrationBucket = bucket(tenantId + "|" + integration + "|" + plan.name() + "|" + integrationRate,
                integrationRate);
        ConsumptionProbe one = integrationBucket.tryConsumeAndReturnRemaining(1);
        if (!one.isConsumed()) {
            return refused(integrationRate, one, integration);
        }
        ConsumptionProbe whole = bucket(tenantId + "|*|" + plan.name() + "|" + tenantRate, tenantRate).tryConsumeAndReturnRemaining(1);
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
        return buckets.get(key, k -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)).build())
                .build());
    }
}
