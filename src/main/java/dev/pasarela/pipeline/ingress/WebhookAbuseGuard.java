package dev.pasarela.pipeline.ingress;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Per-source-address abuse limit on {@code /webhooks/**}. Only refused signatures spend a source's
 * allowance, and the limit only changes how a refused request is answered: 429 with
 * {@code Retry-After} instead of 400 once an address keeps sending bad signatures. A request
 * whose signature verifies is always accepted, whatever its address (behind a proxy every
 * provider may share one), so a provider is never throttled. Behind a proxy, set
 * {@code SERVER_FORWARD_HEADERS_STRATEGY=native} so the address is the client's.
 */
@Component
public class WebhookAbuseGuard {

    private final long maxFailures;
    private final Duration window;
    private final Cache<String, Bucket> sources = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofHours(1)).maximumSize(100_000).build();

    public WebhookAbuseGuard(IngressProperties ingress) {
        this.maxFailures = ingress.abuse().maxBadSignatures();
        this.window = ingress.abuse().window();
    }

    /** Records a refused signature; the seconds the source should wait, or 0 while under the limit. */
    public long refusedSignature(String source) {
        Bucket b = sources.get(source, s -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(maxFailures).refillGreedy(maxFailures, window).build())
                .build());
        var probe = b.tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? 0 : Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
    }
}
