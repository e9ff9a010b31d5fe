package dev.pasarela.callbacks;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Posting events to tenants' callback URLs ({@code pasarela.callbacks.*}). How long a failing
 * callback is retried is {@code pasarela.retry.broker-retries[callbacks.out.deliver]} (at least a day).
 *
 * @param timeout        how long a tenant's answer may take; slower counts as a transient failure
 * @param connectTimeout how long connecting to a tenant's server may take
 * @param concurrency    callbacks posted at once
 * @param breaker        when a tenant's endpoint is parked (not called) after failing
 */
@Validated
@ConfigurationProperties("pasarela.callbacks")
public record CallbackProperties(
        @NotNull @DefaultValue("PT10S") Duration timeout,
        @NotNull @DefaultValue("PT5S") Duration connectTimeout,
        @Min(1) @DefaultValue("2") int concurrency,
        @Valid @NotNull @DefaultValue Breaker breaker) {

    @ConstructorBinding
    public CallbackProperties {
    }

    /** With the breaker's defaults. */
    public CallbackProperties(Duration timeout, Duration connectTimeout, int concurrency) {
        this(timeout, connectTimeout, concurrency, new Breaker(2, Duration.ofMinutes(1)));
    }

    /**
     * @param failures consecutive transient failures (5xx, 408, 425, 429, timeouts) of a tenant's
     *                 endpoint that park it
     * @param openFor  how long a parked endpoint is not called; its callbacks wait on the broker
     *                 meanwhile (this long on their first try, doubling with each try they had), then
     *                 one is tried and, if it passes, the rest follow as their waits end
     */
    public record Breaker(@Min(1) @DefaultValue("2") int failures,
                          @NotNull @DefaultValue("PT1M") Duration openFor) {
    }
}
