package dev.pasarela.pipeline.deliver;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Webhook event ids are remembered for {@code retention} (well past the 3 days Stripe and the 7
 * days Meta keep retrying) and purged every {@code purgeInterval}.
 */
@ConfigurationProperties("pasarela.dedupe")
public record DedupeProperties(@DefaultValue("P30D") Duration retention, @DefaultValue("PT6H") Duration purgeInterval) {}
