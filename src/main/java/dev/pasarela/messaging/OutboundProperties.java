package dev.pasarela.messaging;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** @param idempotencyWindow the first answer to an Idempotency-Key is kept this long (24 h, as Stripe keeps keys) */
@Validated
@ConfigurationProperties("pasarela.outbound")
public record OutboundProperties(@DefaultValue("PT24H") @NotNull Duration idempotencyWindow) {}
