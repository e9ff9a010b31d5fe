package dev.pasarela.pipeline.tenant;

import dev.pasarela.pipeline.Queues;
import dev.pasarela.pipeline.errors.ErrorHandling;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Tells every replica, this one included, that a tenant's routing entries changed, so none keeps
 * routing its identities from a stale cache for the whole {@code routing-cache-ttl}: a
 * {@link TenantRoutesChanged} (published once the change is committed) goes out on the topic
 * {@link Queues#TENANT_ROUTES_CHANGED}, and route {@code tenants.in.invalidate-routes} on each replica
 * drops that tenant's cached routes. This replica has dropped them already, synchronously
 * ({@link TenantResolver#invalidate}), so its own next webhook sees the change.
 */
@Component
public class TenantRoutesBroadcast extends RouteBuilder {

    private static final Logger log = LoggerFactory.getLogger(TenantRoutesBroadcast.class);
    // outboxjms: a connection factory of its own (QueueConfiguration), so a change made inside a
    // transacted delivery is announced at once, not lost if that delivery later rolls back.
    // Not persistent and short-lived: nobody subscribes durably, a late notice is worth nothing.
    private static final String PUBLISH = "outboxjms:topic:" + Queues.TENANT_ROUTES_CHANGED
            + "?deliveryPersistent=false&timeToLive=60000";

    private final ProducerTemplate producer;
    private final TenantResolver resolver;

    public TenantRoutesBroadcast(ProducerTemplate producer, TenantResolver resolver) {
        this.producer = producer;
        this.resolver = resolver;
    }

    @Override
    public void configure() {
        // A non-durable subscription: a replica that is down misses notices, but it starts with an
        // empty cache, and notices published while it was down are older than anything it will read.
        from("jms:topic:" + Queues.TENANT_ROUTES_CHANGED).routeId("tenants.in.invalidate-routes")
                .routeConfigurationId(ErrorHandling.DELIVERY)
                .process(e -> resolver.invalidate(new TenantRoutesChanged(e.getIn().getBody(String.class))))
                .id("invalidate");
    }

    /** The change is committed when this runs; a broker that cannot take the notice leaves the TTL to expire the routes. */
    @EventListener
    public void announce(TenantRoutesChanged change) {
        try {
            producer.sendBody(PUBLISH, ExchangePattern.InOnly, change.tenantId());
        } catch (RuntimeException e) {
            log.warn("Other replicas not told that tenant {}'s routes changed (they expire from their caches"
                    + " within pasarela.tenants.routing-cache-ttl): {}", change.tenantId(), e.toString());
        }
    }
}
