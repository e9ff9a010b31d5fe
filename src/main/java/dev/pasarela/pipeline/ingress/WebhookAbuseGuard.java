package dev.pasarela.pipeline.ingress;

import dev.pasarela.pipeline.BucketStore;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import org.springframework.stereotype.Component;

/**
 * Per-source-address abuse limit on {@code /webhooks/**}. Only refused signatures spend a source's
 * allowance, and the limit only changes how a refused request is answered: 429 with
 * {@code Retry-After} instead of 400 once an address keeps sending bad signatures. A request
 * whose signature verifies is always accepted, whatever its address (behind a proxy every
 * provider may share one), so a provider is never throttled. Behind a proxy, set
 * {@code SERVER_FORWARD_HEADERS_STRATEGY=native} so the address is the client's. The buckets are
 * shared by every replica when they are in Redis (a source spreading its bad signatures over the
 * replicas still meets one limit); without Redis each replica counts its own.
 */
@Component
public class WebhookAbuseGuard {

    private final BucketStore.Buckets sources;
    private final BucketConfiguration configuration;
    private final String limit;

    public WebhookAbuseGuard(IngressProperties ingress, BucketStore buckets) {
        long maxFailures = ingress.abuse().maxBadSignatures();
        this.configuration = BucketConfiguration.builder().addLimit(Bandwidth.builder().capacity(maxFailures)
                .refillGreedy(maxFailures, ingress.abuse().window()).build()).build();
        this.limit = maxFailures + "/" + ingress.abuse().window().toSeconds() + "s|";
        this.sources = buckets.buckets("abuse");
    }

    /** Records a refused signature; the seconds the source should wait, or 0 while under the limit. */
    public long refusedSignature(String source) {
        var probe = sources.apply(limit + source, configuration, b -> b.tryConsumeAndReturnRemaining(1));
        return probe.isConsumed() ? 0 : Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
    }
}
