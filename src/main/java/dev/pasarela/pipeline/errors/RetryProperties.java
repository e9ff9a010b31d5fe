package dev.pasarela.pipeline.errors;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Redelivery of a failing delivery: exponential from {@code initialDelayMs} up to
 * {@code maxDelayMs}, then the dead-letter queue. Retries wait on the consumer thread (its JMS
 * transaction stays open), so they are kept short. A provider asking for a longer wait than
 * {@code maxDelayMs} (a throttled page, Retry-After: 300) is not waited for on the thread: the
 * message is put back on its queue for then (at most {@code maxDeferralMs} ahead), up to
 * {@code maxDeferrals} times, before it is retried and dead-lettered as usual.
 */
@ConfigurationProperties("pasarela.retry")
public record RetryProperties(@DefaultValue("5") @Min(0) int maxRedeliveries,
                              @DefaultValue("500") @Positive long initialDelayMs,
                              @DefaultValue("8000") @Positive long maxDelayMs,
                              @DefaultValue("6") @Min(0) int maxDeferrals,
                              @DefaultValue("3600000") @Positive long maxDeferralMs) {}
