package dev.pasarela.pipeline.ingress;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Webhook ingress: the largest body accepted (Meta documents payloads of up to 3 MB; the default
 * leaves room above that) and the abuse limit on refused signatures per source address.
 */
@ConfigurationProperties("pasarela.ingress")
public record IngressProperties(@DefaultValue("4194304") @Positive long maxBodyBytes,
                                @DefaultValue @Valid Abuse abuse) {

    /** A source sending {@code maxBadSignatures} refused signatures within {@code window} gets 429s. */
    public record Abuse(@DefaultValue("30") @Positive long maxBadSignatures, @DefaultValue("PT1M") Duration window) {}
}
