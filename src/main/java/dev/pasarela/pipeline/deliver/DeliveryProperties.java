package dev.pasarela.pipeline.deliver;

import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Queue consumers: how many per queue, whether they start with the application, and the events
 * per second a tenant's burst is shaped to (per JVM; webhooks are never refused for rate).
 */
@ConfigurationProperties("pasarela.delivery")
public record DeliveryProperties(@DefaultValue("4") @Positive int concurrency,
                                 @DefaultValue("true") boolean autoStartup,
                                 @DefaultValue("50") @Positive long perTenantRate) {}
