package dev.pasarela.callbacks;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Posting events to tenants' callback URLs ({@code pasarela.callbacks.*}).
 *
 * @param timeout        how long a tenant's answer may take; slower counts as a transient failure
 * @param connectTimeout how long connecting to a tenant's server may take
 * @param concurrency    callbacks posted at once
 */
@Validated
@ConfigurationProperties("pasarela.callbacks")
public record CallbackProperties(
        @NotNull @DefaultValue("PT10S") Duration timeout,
        @NotNull @DefaultValue("PT5S") Duration connectTimeout,
        @Min(1) @DefaultValue("2") int concurrency) {
}
