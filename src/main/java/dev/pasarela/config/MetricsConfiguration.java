package dev.pasarela.config;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import java.time.Clock;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerExchangeEventNotifierNamingStrategyDefault;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerExchangeEventNotifierNamingStrategyLegacy;
import org.apache.camel.component.micrometer.springboot.metrics.CamelMetricsConfiguration;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Two fixes applied as every meter registers: our meters get their {@code # HELP} text, and
 * Camel's exchange-event meters always carry a {@code routeId}, so Prometheus takes them all. And
 * Camel's exchange timers come from {@link ExchangeTimersNotifier}, not Camel's own notifier
 * ({@code camel.metrics.enable-exchange-event-notifier=false} in application.yml).
 */
@Configuration(proxyBeanMethods = false)
public class MetricsConfiguration {

    /** What each {@code pasarela.*} meter counts; the HELP line of its Prometheus series. */
    static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
            Map.entry("pasarela.webhooks.events", "Provider webhook events accepted and queued, by provider"),
            Map.entry("pasarela.webhooks.rejected", "Webhook requests refused at verification, by provider and reason"),
            Map.entry("pasarela.deliveries", "Canonical events applied by the delivery sinks, by provider, tenant and outcome"),
            Map.entry("pasarela.dead-letters", "Messages sent to a dead-letter queue, by failed route and tenant"),
            Map.entry("pasarela.api.requests", "Calls to /api/** let through the rate limit and quota, by tenant and integration"),
            Map.entry("pasarela.api.rejections", "Calls to /api/** refused (unauthenticated, rate limit, quota), by reason"),
            Map.entry("pasarela.outbound.sent", "Outbound messages a provider accepted, by channel and tenant"),
            Map.entry("pasarela.outbound.failures", "Outbound messages that ended failed, by channel, tenant and code"),
            Map.entry("pasarela.outbound.shaped-later", "Outbound messages put back on their queue for a later send slot of their sender, by channel"),
            Map.entry("pasarela.enqueue", "Durable sends of webhook events and accepted messages, by queue and by the path chosen: the embedded broker's side, or the JMS client"),
            Map.entry("pasarela.dedupe.insert.failures", "Webhook dedupe keys that could not be stored after the event was queued"),
            Map.entry("pasarela.callbacks.endpoints.parked", "Tenant callback endpoints parked after failing"),
            Map.entry("pasarela.sms.segments", "SMS segments per message sent, by tenant"),
            Map.entry("pasarela.email.failovers", "Emails sent through the tenant's second provider after the first failed"),
            Map.entry("pasarela.credentials.revoked", "Provider credentials found revoked or expired, by tenant and provider"),
            Map.entry("pasarela.credentials.stale", "Tenant credentials not replaced for longer than the configured age"),
            Map.entry("pasarela.meta.usage.held", "Graph API calls held back by Meta's usage headers, refused or slowed"),
            Map.entry("pasarela.meta.usage.percent", "Highest Graph API usage Meta reported, in percent of the limit"),
            Map.entry("pasarela.meta.token.expires.days", "Days until a connected page's token expires, by tenant and provider"),
            Map.entry("pasarela.ai.calls", "AI provider calls, by provider, use case and outcome"),
            Map.entry("pasarela.ai.tokens", "AI tokens consumed, by tenant, provider, use case and direction"),
            Map.entry("pasarela.ai.invalid_answers", "AI answers that did not validate, by provider and use case"),
            Map.entry("pasarela.ai.rejected", "AI calls refused before reaching a provider, by reason"),
            Map.entry("pasarela.ai.pool.active", "AI calls running on the bounded pool"),
            Map.entry("pasarela.ai.pool.queued", "AI calls waiting for the bounded pool"),
            Map.entry("pasarela.ai.auto_replies", "Automatic replies to inbound messages, by outcome"),
            Map.entry("pasarela.store.memory", "Memory the embedded store holds outside the Java heap, by part: write buffers (memtables), block cache, table readers"));

    /**
     * Camel's metrics starter adds its exchange notifier the same way, with the same settings. Only
     * with Camel's own switched off: both would record every exchange into the same timers.
     */
    @Bean
    @ConditionalOnProperty(name = "camel.metrics.enable-exchange-event-notifier", havingValue = "false")
    CamelContextConfiguration exchangeTimers(CamelMetricsConfiguration camelMetrics, MeterRegistry meters, Clock clock) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                ExchangeTimersNotifier notifier = new ExchangeTimersNotifier(clock);
                notifier.setCamelContext(camel);
                notifier.setMeterRegistry(meters);
                notifier.setNamingStrategy("legacy".equalsIgnoreCase(camelMetrics.getNamingStrategy())
                        ? new MicrometerExchangeEventNotifierNamingStrategyLegacy(camelMetrics.isBaseEndpointUriExchangeEventNotifier())
                        : new MicrometerExchangeEventNotifierNamingStrategyDefault(camelMetrics.isBaseEndpointUriExchangeEventNotifier()));
                camel.getManagementStrategy().addEventNotifier(notifier);
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
                // nothing after start
            }
        };
    }

    @Bean
    MeterFilter pasarelaMeterDescriptions() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String description = DESCRIPTIONS.get(id.getName());
                if (description == null || id.getDescription() != null) {
                    return id;
                }
                return new Meter.Id(id.getName(), io.micrometer.core.instrument.Tags.of(id.getTagsAsIterable()),
                        id.getBaseUnit(), description, id.getType());
            }
        };
    }

    /**
     * Camel tags an exchange event with {@code routeId} only when the exchange came from a route:
     * a send from a producer template ({@code outboxjms}: the tenant-routes broadcast, the outbox
     * when it cannot send on the embedded broker's side; a dead letter replayed by
     * an operator) registers the same meter without it, and Prometheus refuses a meter whose tag
     * keys differ from the first one's. Such events get {@code routeId="none"}.
     */
    @Bean
    MeterFilter camelExchangeEventsAlwaysHaveARouteId() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if ("CamelExchangeEvent".equals(id.getTag("kind")) && id.getTag("routeId") == null) {
                    return id.withTag(Tag.of("routeId", "none"));
                }
                return id;
            }
        };
    }
}
