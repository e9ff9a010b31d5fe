package dev.pasarela.pipeline.throttle;

import dev.pasarela.pipeline.errors.ProblemException;
import dev.pasarela.pipeline.tenant.Tenant;
import dev.pasarela.pipeline.tenant.TenantRepository;
import dev.pasarela.security.ApiCaller;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Every authenticated {@code /api/**} call: the caller's tenant must exist; then its plan's rate
 * limits (429 with {@code Retry-After} and {@code RateLimit-*} headers) and, for {@link Metered}
 * handlers, its monthly quota. Counted per tenant and integration in Micrometer.
 */
@Component
public class ApiLimitsInterceptor implements HandlerInterceptor {

    private final TenantRepository tenants;
    private final EffectivePlan plans;
    private final RateLimits rateLimits;
    private final Quotas quotas;
    private final MeterRegistry meters;

    public ApiLimitsInterceptor(TenantRepository tenants, EffectivePlan plans, RateLimits rateLimits, Quotas quotas,
                                MeterRegistry meters) {
        this.tenants = tenants;
        this.plans = plans;
        this.rateLimits = rateLimits;
        this.quotas = quotas;
        this.meters = meters;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        ApiCaller caller = ApiCaller.current();
        String integration = integration(request.getRequestURI());
        Tenant tenant = tenants.find(caller.tenantId()).orElseThrow(() -> {
            reject(caller.tenantId(), integration, "unknown-tenant");
            return new ProblemException(403, "unknown-tenant", "Forbidden",
                    "The credentials name a tenant the gateway does not know.");
        });
        PlanCatalog.Plan plan = plans.of(tenant);
        RateLimits.Decision d = rateLimits.tryConsume(tenant.id(), integration, plan);
        response.setHeader("RateLimit-Limit", String.valueOf(d.limit()));
        response.setHeader("RateLimit-Remaining", String.valueOf(d.remaining()));
        response.setHeader("RateLimit-Reset", String.valueOf(d.resetSeconds()));
        response.setHeader("RateLimit-Policy", d.limit() + ";w=1");
        if (!d.allowed()) {
            reject(tenant.id(), integration, "rate");
            throw new RateLimitedException("rate-limited", "Too many requests",
                    "The " + plan.name() + " plan allows " + d.limit() + " requests per second"
                            + (d.exhausted().equals("tenant") ? "" : " to " + d.exhausted()) + ".", d.resetSeconds());
        }
        if (handler instanceof HandlerMethod m && m.hasMethodAnnotation(Metered.class)) {
            try {
                quotas.consume(tenant, m.getMethodAnnotation(Metered.class).value(), 1);
            } catch (RateLimitedException spent) {
                reject(tenant.id(), integration, "quota");
                throw spent;
            }
        }
        meters.counter("pasarela.api.requests", "tenant", tenant.id(), "integration", integration).increment();
        return true;
    }

    private void reject(String tenant, String integration, String reason) {
        meters.counter("pasarela.api.rejections", "tenant", tenant, "integration", integration, "reason", reason)
                .increment();
    }

    /** {@code /api/v1/<integration>/…} → integration. */
    static String integration(String uri) {
        String[] parts = uri.split("/");
        return parts.length > 3 && !parts[3].isBlank() ? parts[3] : "api";
    }
}
