package dev.pasarela.integrations.stripe;

import dev.pasarela.api.ProblemException;
import dev.pasarela.tenants.Tenant;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.api.ApiCaller;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** Billing pages for the caller's tenant: Stripe's Customer Portal, and Checkout to subscribe to a plan. */
@RestController
public class StripeBillingController {

    public record PortalRequest(String returnUrl) {}

    public record CheckoutRequest(String plan, String successUrl, String cancelUrl) {}

    private final StripeBilling billing;
    private final TenantRepository tenants;

    public StripeBillingController(StripeBilling billing, TenantRepository tenants) {
        this.billing = billing;
        this.tenants = tenants;
    }

    @PostMapping("/api/v1/billing/portal-session")
    StripeBilling.Session portal(@RequestBody(required = false) PortalRequest body,
                                 @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
        return billing.portal(tenant(), body == null ? null : body.returnUrl(), idempotencyKey);
    }

    @PostMapping("/api/v1/billing/checkout-session")
    StripeBilling.Session checkout(@RequestBody CheckoutRequest body,
                                   @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
        return billing.checkout(tenant(), body.plan(), body.successUrl(), body.cancelUrl(), idempotencyKey);
    }

    /** Billing changes what the dealership pays: its admins and back-end systems only. */
    private static final java.util.Set<String> BILLING_ROLES = java.util.Set.of("owner", "admin", "service");

    private Tenant tenant() {
        String id = ApiCaller.current().requireRole(BILLING_ROLES).tenantId();
        return tenants.find(id).orElseThrow(() -> new ProblemException(403, "unknown-tenant", "Forbidden",
                "The credentials name a tenant the gateway does not know."));
    }
}
