package dev.pasarela.api;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Who is calling {@code /api/**}: always exactly one tenant, from a Firebase ID token's custom
 * claim or from a tenant's service API key.
 */
public record ApiCaller(String tenantId, String subject, String role, Via via) {

    public enum Via { FIREBASE, API_KEY }

    /** The caller of the current request (the security filter chain guarantees one on /api/**). */
    public static ApiCaller current() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth != null && auth.getPrincipal() instanceof ApiCaller caller) {
            return caller;
        }
        throw new ProblemException(401, "unauthorized", "Unauthorized", "This call needs a Firebase ID token or an API key.");
    }

    /** 403 unless the caller has one of the roles (service API keys have {@code service}). */
    public ApiCaller requireRole(java.util.Set<String> roles) {
        if (role == null || !roles.contains(role)) {
            throw new ProblemException(403, "forbidden-role", "Forbidden",
                    "This call needs one of the roles " + new java.util.TreeSet<>(roles) + ".");
        }
        return this;
    }

    /** 403 unless the caller belongs to {@code tenantId}. */
    public ApiCaller requireTenant(String tenantId) {
        if (!this.tenantId.equals(tenantId)) {
            throw new ProblemException(403, "forbidden-tenant", "Forbidden",
                    "The credentials used belong to another tenant.");
        }
        return this;
    }
}
