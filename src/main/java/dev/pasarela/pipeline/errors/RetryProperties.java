package dev.pasarela.pipeline.errors;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Redelivery of a failing delivery ({@code pasarela.retry.*}).
 * <p>
 * A consumer named in {@code brokerRetries} (route id, or a pattern such as {@code *.out.deliver})
 * never waits on its thread for a transient failure: the message goes back on its queue with the
 * broker's scheduled delivery, after {@code initialDelayMs} doubling (±15 % jitter) up to
 * {@code maxDelayMs} for the first {@code maxRedeliveries} retries and up to {@code maxDeferralMs}
 * after that, or after the destination's {@code Retry-After} when longer; it is dead-lettered once it
 * has been retried {@code maxRedeliveries} times <em>and</em> the route's horizon (the value) has
 * passed since its first failure. One tenant's failing destination therefore never holds a consumer
 * for longer than one call.
 * <p>
 * Any other consumer retries in place ({@code maxRedeliveries} times, exponential from
 * {@code initialDelayMs} to {@code maxDelayMs}, the JMS transaction open), so a multi-step route is
 * retried at the step that failed; only a provider asking for a longer wait than {@code maxDelayMs}
 * gets its message put back on the queue for then (at most {@code maxDeferralMs} ahead), up to
 * {@code maxDeferrals} times.
 */
@org.springframework.validation.annotation.Validated
@ConfigurationProperties("pasarela.retry")
public record RetryProperties(@DefaultValue("5") @Min(0) int maxRedeliveries,
                              @DefaultValue("500") @Positive long initialDelayMs,
                              @DefaultValue("8000") @Positive long maxDelayMs,
                              @DefaultValue("6") @Min(0) int maxDeferrals,
                              @DefaultValue("3600000") @Positive long maxDeferralMs,
                              Map<String, Duration> brokerRetries) {

    @org.springframework.boot.context.properties.bind.ConstructorBinding
    public RetryProperties {
        brokerRetries = brokerRetries == null ? Map.of() : Map.copyOf(brokerRetries);
        brokerRetries.forEach((route, horizon) -> {
            if (horizon == null || horizon.isNegative()) {
                throw new IllegalArgumentException("pasarela.retry.broker-retries[" + route + "] is not a duration of 0 or more");
            }
        });
    }

    /** Without broker retries: every consumer retries in place. */
    public RetryProperties(int maxRedeliveries, long initialDelayMs, long maxDelayMs, int maxDeferrals,
                           long maxDeferralMs) {
        this(maxRedeliveries, initialDelayMs, maxDelayMs, maxDeferrals, maxDeferralMs, Map.of());
    }

    /**
     * The horizon of a route retried on the broker: its exact id first, else a pattern whose
     * {@code *} stands for any characters; empty when the route retries in place.
     */
    public java.util.Optional<Duration> brokerRetryHorizon(String routeId) {
        if (routeId == null) {
            return java.util.Optional.empty();
        }
        Duration exact = brokerRetries.get(routeId);
        if (exact != null) {
            return java.util.Optional.of(exact);
        }
        // of several patterns that match, the longest (the most specific) decides, whatever the map's order
        return brokerRetries.entrySet().stream()
                .filter(e -> glob(e.getKey()).matcher(routeId).matches())
                .max(java.util.Comparator.comparingInt((Map.Entry<String, Duration> e) -> e.getKey().length())
                        .thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getValue);
    }

    /** {@code *.out.deliver}: every part quoted, each {@code *} any characters. */
    private static java.util.regex.Pattern glob(String pattern) {
        String regex = java.util.Arrays.stream(pattern.split("\\*", -1)).map(java.util.regex.Pattern::quote)
                .collect(java.util.stream.Collectors.joining(".*"));
        return java.util.regex.Pattern.compile(regex);
    }
}
