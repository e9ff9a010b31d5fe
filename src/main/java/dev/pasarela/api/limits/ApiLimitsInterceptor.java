package dev.pasarela.api.limits;

import dev.pasarela.api.RateLimitedException;
import dev.pasarela.tenants.EffectivePlan;
import dev.pasarela.tenants.PlanCatalog;
import dev.pasarela.tenants.Quotas;
import dev.pasarela.api.ProblemException;
import dev.pasarela.tenants.Tenant;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.api.ApiCaller;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

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
    /**
     * Each handler's {@link Metered} channel (empty: not metered), found once: Spring's search of the
     * method's merged annotations ran on every call, twice on a metered one (1.4 % of a GET's request
     * thread, 2.3 % of a POST's: bench/RESULTS.md).
     */
    private final Map<Method, Optional<String>> meteredChannels = new ConcurrentHashMap<>();
    /** {@code pasarela.api.requests} per tenant and integration, held: the registry's lookup by tags ran on every call. */
    private final Map<RequestsKey, Counter> requestCounters = new ConcurrentHashMap<>();

    private record RequestsKey(String tenant, String integration) {}

    public ApiLimitsInterceptor(TenantRepository tenants, EffectivePlan plans, RateLimits rateLimits, Quotas quotas,
                                MeterRegistry meters) {
        this.tenants = tenants;
        this.plans = plans;
        this.rateLimits = rateLimits;
        this.quotas = quotas;
        this.meters = meters;
    }

    private static final String SPENT = ApiLimitsInterceptor.class.getName() + ".spent";
    /** Set by the handler: its unit is given back whatever the answer ({@link #giveBackWhenDone}). */
    private static final String GIVE_BACK = ApiLimitsInterceptor.class.getName() + ".giveBack";
    /** Set by the handler: its unit is kept whatever the answer ({@link #keepWhenFailed}). */
    private static final String KEEP = ApiLimitsInterceptor.class.getName() + ".keep";

    /** The unit a {@link Metered} call spent: the month it was counted in, so it comes back to that month. */
    private record Spent(Tenant tenant, String channel, String month) {}

    /** The month ({@code yyyy-MM}) the current {@link Metered} call's unit was counted in; empty outside one. */
    public static Optional<String> chargedMonth() {
        return current(SPENT).map(s -> ((Spent) s).month());
    }

    /** The current metered call answers well but spent nothing (an Idempotency-Key replayed): its unit comes back. */
    public static void giveBackWhenDone() {
        mark(GIVE_BACK);
    }

    /**
     * The current metered call fails, yet what it paid for was kept (a message recorded but not queued,
     * which a retry of its key queues): its unit is not given back.
     */
    public static void keepWhenFailed() {
        mark(KEEP);
    }

    private static Optional<Object> current(String name) {
        return Optional.ofNullable(org.springframework.web.context.request.RequestContextHolder
                .getRequestAttributes()).map(a -> a.getAttribute(name,
                org.springframework.web.context.request.RequestAttributes.SCOPE_REQUEST));
    }

    private static void mark(String name) {
        var attributes = org.springframework.web.context.request.RequestContextHolder.getRequestAttributes();
        if (attributes != null) {
            attributes.setAttribute(name, Boolean.TRUE, org.springframework.web.context.request.RequestAttributes.SCOPE_REQUEST);
        }
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod method)) {
            return true; // no API behind this path: a 404, which spends nothing and adds no metric series
        }
        ApiCaller caller = ApiCaller.current();
        // from the matched route, not the raw URI: /api/v1/%75sage is still the usage integration
        String integration = integration(String.valueOf(request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE)));
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
        Optional<String> metered = meteredChannels.computeIfAbsent(method.getMethod(),
                m -> Optional.ofNullable(method.getMethodAnnotation(Metered.class)).map(Metered::value));
        if (metered.isPresent()) {
            String channel = metered.get();
            try {
                request.setAttribute(SPENT, new Spent(tenant, channel, quotas.consume(tenant, channel, 1)));
            } catch (RateLimitedException spent) {
                reject(tenant.id(), integration, "quota");
                throw spent;
            }
        }
        requestCounters.computeIfAbsent(new RequestsKey(tenant.id(), integration), k -> meters.counter(
                "pasarela.api.requests", "tenant", k.tenant(), "integration", k.integration())).increment();
        return true;
    }

    /**
     * A metered call that failed (4xx/5xx or an exception) gives its unit back, to the month it was
     * counted in, unless its handler kept it; so does one whose handler said it spent nothing.
     */
    @Override
    public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler, Exception ex) {
        if (!(request.getAttribute(SPENT) instanceof Spent spent)) {
            return;
        }
        boolean failed = ex != null || response.getStatus() >= 400;
        if (failed ? request.getAttribute(KEEP) == null : request.getAttribute(GIVE_BACK) != null) {
            quotas.giveBack(spent.tenant(), spent.channel(), spent.month());
        }
    }

    private void reject(String tenant, String integration, String reason) {
        meters.counter("pasarela.api.rejections", "tenant", tenant, "integration", integration, "reason", reason)
                .increment();
    }

    /** {@code /api/v1/<integration>/…} (the handler's pattern) → integration. */
    static String integration(String pattern) {
        String[] parts = pattern.split("/");
        return parts.length > 3 && !parts[3].isBlank() ? parts[3] : "api";
    }
}
