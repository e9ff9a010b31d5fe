package dev.pasarela.pipeline.errors;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Redelivery of a failing delivery: exponential from {@code initialDelayMs} up to
 * {@code maxDelayMs}, then the dead-letter queue. Retries wait on the consumer thread (its JMS
 * transaction stays open), so they are kept short.
 */
@ConfigurationProperties("pasarela.retry")
public record RetryProperties(@DefaultValue("5") @Min(0) int maxRedeliveries,
                              @DefaultValue("500") @Positive long initialDelayMs,
                              @DefaultValue("8000") @Positive long maxDelayMs) {}
