package dev.pasarela.callbacks;

import dev.pasarela.api.ApiCaller;
import dev.pasarela.tenants.Tenant;
import dev.pasarela.tenants.TenantRepository;
import java.time.Instant;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Whether a tenant's callbacks are being delivered: the way a tenant (and an operator) learns that
 * its endpoint was parked after failing, and that its callbacks wait on the broker, none lost.
 */
@RestController
public class CallbackStatusController {

    /**
     * @param state        {@code delivering}, {@code parked} (failing: callbacks wait and are retried
     *                     for days) or {@code not-configured} (no callback URL: events are not posted)
     * @param parkedSince  when the endpoint was parked; null unless parked
     */
    public record CallbackStatus(String state, Instant parkedSince) {}

    private final TenantRepository tenants;
    private final CallbackEndpoints endpoints;

    public CallbackStatusController(TenantRepository tenants, CallbackEndpoints endpoints) {
        this.tenants = tenants;
        this.endpoints = endpoints;
    }

    @GetMapping("/api/v1/callbacks/status")
    CallbackStatus mine() {
        return status(ApiCaller.current().tenantId());
    }

    @GetMapping("/ops/tenants/{id}/callbacks/status")
    CallbackStatus ofTenant(@PathVariable String id) {
        return status(id);
    }

    private CallbackStatus status(String tenantId) {
        Tenant tenant = tenants.require(tenantId);
        if (tenant.callbackUrl() == null) {
            return new CallbackStatus("not-configured", null);
        }
        return endpoints.parkedSince(tenantId).map(since -> new CallbackStatus("parked", since))
                .orElse(new CallbackStatus("delivering", null));
    }
}
