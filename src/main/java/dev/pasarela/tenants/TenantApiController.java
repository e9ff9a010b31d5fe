package dev.pasarela.tenants;

import dev.pasarela.api.ApiCaller;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** What a tenant's own systems may read about the tenant: its plan and subscription, no identities. */
@RestController
public class TenantApiController {

    private final TenantRepository tenants;

    public TenantApiController(TenantRepository tenants) {
        this.tenants = tenants;
    }

    @GetMapping("/api/v1/tenants/{id}")
    Map<String, Object> tenant(@PathVariable String id) {
        ApiCaller.current().requireTenant(id);
        Tenant t = tenants.require(id);
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("id", t.id());
        out.put("name", t.name());
        out.put("plan", t.plan());
        out.put("timezone", t.timezone());
        out.put("subscription", t.subscription());
        return out;
    }
}
