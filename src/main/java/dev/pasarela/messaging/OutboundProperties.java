package dev.pasarela.messaging;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param idempotencyWindow the first answer to an Idempotency-Key is kept this long (24 h, as Stripe keeps keys)
 * @param concurrency consumers of each {@code out.<channel>} queue (read by {@link OutboundRoutes}' URI)
 */
@Validated
@ConfigurationProperties("pasarela.outbound")
public record OutboundProperties(@DefaultValue("PT24H") @NotNull Duration idempotencyWindow,
                                 @DefaultValue("16") @jakarta.validation.constraints.Positive int concurrency) {}
