package dev.pasarela.tenants;

import dev.pasarela.api.ApiCaller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** This month's use against the plan, per channel: for the caller's tenant, and for operators. */
@RestController
public class UsageController {

    private final TenantRepository tenants;
    private final Quotas quotas;

    public UsageController(TenantRepository tenants, Quotas quotas) {
        this.tenants = tenants;
        this.quotas = quotas;
    }

    @GetMapping("/api/v1/usage")
    Quotas.Usage mine() {
        return usage(ApiCaller.current().tenantId());
    }

    @GetMapping("/ops/tenants/{id}/usage")
    Quotas.Usage ofTenant(@PathVariable String id) {
        return usage(id);
    }

    private Quotas.Usage usage(String id) {
        return quotas.usage(tenants.require(id));
    }
}
