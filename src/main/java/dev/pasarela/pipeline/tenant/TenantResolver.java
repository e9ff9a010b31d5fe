package dev.pasarela.pipeline.tenant;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.pasarela.pipeline.ingress.InboundEvent;
import dev.pasarela.store.DocumentStore;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Finds the tenant of an inbound event: first through the routing index (cached; only hits are
 * cached, so a tenant registered a second ago is found), then through a tenant id the signed
 * payload itself carries, when that tenant exists.
 */
@Component
public class TenantResolver {

    private final DocumentStore store;
    private final TenantDirectory tenants;
    private final Cache<String, String> routes;
    /** Counts invalidations, so a lookup that read the store before one does not cache what it read. */
    private final AtomicLong invalidations = new AtomicLong();

    public TenantResolver(DocumentStore store, TenantDirectory tenants,
                          TenantResolutionProperties properties) {
        this.store = store;
        this.tenants = tenants;
        this.routes = Caffeine.newBuilder().expireAfterWrite(properties.routingCacheTtl()).maximumSize(100_000).build();
    }

    public Optional<String> resolve(InboundEvent event) {
        for (String key : event.routingKeys()) {
            Optional<String> hit = byRoutingKey(key);
            if (hit.isPresent()) {
                return hit;
            }
        }
        String claimed = event.claimedTenantId();
        if (claimed != null && tenants.exists(claimed)) {
            return Optional.of(claimed);
        }
        return Optional.empty();
    }

    public Optional<String> byRoutingKey(String key) {
        String cached = routes.getIfPresent(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        if (key.contains("/") || key.startsWith("__") || key.equals(".") || key.equals("..")) {
            return Optional.empty(); // not a routing key we could have written: unknown tenant
        }
        long before = invalidations.get();
        Optional<String> found = store.get(TenantDirectory.routingPath(key))
                .map(d -> d.field("tenantId")).map(String::valueOf);
        found.ifPresent(t -> {
            routes.put(key, t);
            // an invalidation while the store was read may have come before this put and so missed
            // it: what was read may be the route that changed, and would stay until the TTL
            if (invalidations.get() != before) {
                routes.invalidate(key);
            }
        });
        return found;
    }

    /** Drops cached routes of a tenant whose identities changed (here, or on another replica). */
    @EventListener
    public void invalidate(TenantRoutesChanged change) {
        invalidations.incrementAndGet(); // before the removal: a lookup that puts after it sees the count moved
        routes.asMap().values().removeIf(change.tenantId()::equals);
    }
}
