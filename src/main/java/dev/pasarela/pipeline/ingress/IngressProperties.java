package dev.pasarela.pipeline.ingress;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Webhook ingress: the largest body accepted (Meta documents payloads of up to 3 MB; the default
 * leaves room above that), the abuse limit on refused signatures per source address, and how many
 * webhook requests are processed at once ({@code maxConcurrent}; they run on the servlet
 * container's threads, which also serve the API and health) and how long one more waits for its
 * turn before a 503 with {@code Retry-After} ({@code maxWait}).
 */
@ConfigurationProperties("pasarela.ingress")
public record IngressProperties(@DefaultValue("4194304") @Positive long maxBodyBytes,
                                @DefaultValue @Valid Abuse abuse,
                                @DefaultValue("32") @Positive int maxConcurrent,
                                @DefaultValue("1s") Duration maxWait) {

    /** A source sending {@code maxBadSignatures} refused signatures within {@code window} gets 429s. */
    public record Abuse(@DefaultValue("30") @Positive long maxBadSignatures, @DefaultValue("PT1M") Duration window) {}
}
