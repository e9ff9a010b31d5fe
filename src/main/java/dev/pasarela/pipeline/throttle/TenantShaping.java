package dev.pasarela.pipeline.throttle;

import dev.pasarela.pipeline.BucketStore;
import dev.pasarela.pipeline.Variables;
import dev.pasarela.pipeline.deliver.DeliveryProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Webhooks are never refused for rate: a tenant's burst is shaped where its events are delivered,
 * at {@code pasarela.delivery.per-tenant-rate} events per second per provider, across all replicas
 * when the buckets are in Redis. An event whose slot is later goes back on its queue, due then, so
 * the other tenants' events on the same queue are delivered meanwhile ({@link SlotShaping}).
 */
@Component("tenantShaping")
public class TenantShaping {

    private final SlotShaping slots;
    private final MeterRegistry meters;
    private final long rate;

    public TenantShaping(MeterRegistry meters, DeliveryProperties delivery, BucketStore buckets) {
        this.meters = meters;
        this.rate = delivery.perTenantRate();
        this.slots = new SlotShaping(buckets.buckets("delivery"));
    }

    /** Through now, or marked {@link SlotShaping#LATER} for the route to put back on its queue. */
    public void shape(Exchange exchange) throws InterruptedException {
        String provider = exchange.getVariable(Variables.PROVIDER, String.class);
        String key = provider + '|' + exchange.getVariable(Variables.TENANT_ID, String.class);
        if (slots.shape(exchange, key, rate)) {
            meters.counter("pasarela.inbound.shaped-later", "provider", provider).increment();
        }
    }
}
