package dev.pasarela.security;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A bearer token on {@code /api/**} while {@code FIREBASE_PROJECT_ID} is unset: answered before
 * Spring Security with a 401 that says why (the resource server's entry point can only say the
 * token is not valid), so the caller learns to use an API key instead.
 */
@Configuration(proxyBeanMethods = false)
public class FirebaseUnconfiguredFilter {

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> firebaseUnconfigured(FirebaseProperties firebase, MeterRegistry meters) {
        OncePerRequestFilter filter = new OncePerRequestFilter() {
            @Override
            protected boolean shouldNotFilter(HttpServletRequest request) {
                String auth = request.getHeader("Authorization");
                return !firebase.projectId().isBlank() || !request.getRequestURI().startsWith("/api/")
                        || request.getHeader(SecurityConfiguration.API_KEY_HEADER) != null
                        || auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7);
            }

            @Override
            protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
                    throws ServletException, IOException {
                meters.counter("pasarela.api.rejections", "tenant", "none", "integration", "api", "reason",
                        "unauthenticated").increment();
                SecurityConfiguration.problem(res, 401, "firebase-not-configured", "Firebase tokens not configured",
                        "This gateway does not accept Firebase ID tokens: FIREBASE_PROJECT_ID is not set. "
                                + "Call with a service API key (X-Api-Key) instead.");
            }
        };
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(filter);
        registration.addUrlPatterns("/api/*");
        registration.setOrder(SecurityProperties.DEFAULT_FILTER_ORDER - 1);
        return registration;
    }
}
