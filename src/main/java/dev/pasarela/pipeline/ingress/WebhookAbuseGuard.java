package dev.pasarela.pipeline.ingress;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Per-source-address abuse limit on {@code /webhooks/**}. Only refused signatures spend a source's
 * allowance, so a provider that signs correctly is never throttled, whatever its rate; an address
 * that keeps sending bad signatures is refused (429) before its bodies are even read.
 */
@Component
public class WebhookAbuseGuard {

    private final long maxFailures;
    private final Duration window;
    private final Cache<String, Bucket> sources = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofHours(1)).maximumSize(100_000).build();

    public WebhookAbuseGuard(@Value("${pasarela.ingress.abuse.max-bad-signatures:30}") long maxFailures,
                             @Value("${pasarela.ingress.abuse.window:PT1M}") Duration window) {
        this.maxFailures = maxFailures;
        this.window = window;
    }

    /** Seconds the source must wait, or 0 when it may send. */
    public long blockedFor(String source) {
        Bucket b = sources.getIfPresent(source);
        if (b == null || b.getAvailableTokens() > 0) {
            return 0;
        }
        return Math.max(1, b.estimateAbilityToConsume(1).getNanosToWaitForRefill() / 1_000_000_000L);
    }

    public void refusedSignature(String source) {
        sources.get(source, s -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(maxFailures).refillGreedy(maxFailures, window).build())
                .build()).tryConsume(1);
    }
}
