package dev.pasarela.security;

import dev.pasarela.api.ApiCaller;
import dev.pasarela.api.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.client.RestClient;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code /api/**} takes a Firebase ID token ({@code Authorization: Bearer}) or a tenant's service
 * key ({@code X-Api-Key}); everything else is either signature-verified (webhooks), guarded by the
 * ops token ({@code /ops/**}, metrics), or health. Refusals are problem+json.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    public static final String API_KEY_HEADER = "X-Api-Key";

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, JwtDecoder firebaseIdTokens, ApiKeys apiKeys, MeterRegistry meters,
                                    AuthProperties auth) throws Exception {
        // this chain owns /api/** only: the ops token on /ops/** is not a JWT to decode
        http.securityMatcher("/api/**")
                .csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                .oauth2ResourceServer(rs -> rs
                        .jwt(jwt -> jwt.decoder(firebaseIdTokens).jwtAuthenticationConverter(token ->
                                new ApiCallerAuthentication(new ApiCaller(token.getClaimAsString(auth.tenantClaim()),
                                        token.getSubject(), token.getClaimAsString(auth.roleClaim()), ApiCaller.Via.FIREBASE))))
                        .authenticationEntryPoint((req, res, e) -> unauthenticated(meters, req, res)))
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((req, res, ex) -> unauthenticated(meters, req, res))
                        .accessDeniedHandler((req, res, ex) -> problem(res, 403, "forbidden", "Forbidden",
                                "These credentials may not make this call.")))
                .addFilterBefore(new ApiKeyFilter(apiKeys, meters), BearerTokenAuthenticationFilter.class);
        return http.build();
    }

    /**
     * No Spring Security observations. Its default wraps every filter of every chain, and every
     * authentication and authorization, in an observation on every request, webhooks included: about a
     * quarter of an authenticated GET's CPU (bench/RESULTS.md), for timers nothing here reads. The
     * requests' own timers ({@code http.server.requests}, Spring MVC's) stay.
     */
    @Bean
    static SecurityObservationSettings noSecurityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    /** A bean so that its connections close with the context; it calls Google only when a token comes. */
    @Bean
    GooglePublicKeys googlePublicKeys(RestClient.Builder http, FirebaseProperties firebase, Clock clock) {
        return new GooglePublicKeys(http, firebase, clock);
    }

    @Bean
    JwtDecoder firebaseIdTokens(FirebaseProperties firebase, AuthProperties auth, GooglePublicKeys keys, Clock clock) {
        if (firebase.projectId().isBlank()) {
            return token -> {
                // a bad token, not a fault of ours: 401, as for any token we cannot verify
                throw new BadJwtException("Firebase ID tokens are not accepted: FIREBASE_PROJECT_ID is not set");
            };
        }
        return FirebaseIdTokens.decoder(firebase.projectId(), keys,
                auth.tenantClaim(), auth.clockSkew(), clock);
    }

    static void unauthenticated(MeterRegistry meters, HttpServletRequest req, HttpServletResponse res) throws IOException {
        meters.counter("pasarela.api.rejections", "tenant", "none", "integration", "api", "reason", "unauthenticated")
                .increment();
        problem(res, 401, "unauthorized", "Unauthorized",
                "A valid Firebase ID token (Authorization: Bearer) or API key (X-Api-Key) is required.");
    }

    static void problem(HttpServletResponse res, int status, String type, String title, String detail) throws IOException {
        res.setStatus(status);
        if (status == 401) {
            res.setHeader("WWW-Authenticate", "Bearer realm=\"pasarela\"");
        }
        Problems.write(res, status, type, title, detail);
    }

    /** {@code X-Api-Key} on {@code /api/**}: a valid key authenticates, any other value is a 401. */
    static final class ApiKeyFilter extends OncePerRequestFilter {
        private final ApiKeys apiKeys;
        private final MeterRegistry meters;

        ApiKeyFilter(ApiKeys apiKeys, MeterRegistry meters) {
            this.apiKeys = apiKeys;
            this.meters = meters;
        }

        @Override
        protected boolean shouldNotFilter(HttpServletRequest request) {
            return request.getHeader(API_KEY_HEADER) == null || !request.getRequestURI().startsWith("/api/");
        }

        @Override
        protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
                throws ServletException, IOException {
            Optional<ApiCaller> caller = apiKeys.authenticate(req.getHeader(API_KEY_HEADER));
            if (caller.isEmpty()) {
                meters.counter("pasarela.api.rejections", "tenant", "none", "integration", "api", "reason",
                        "unauthenticated").increment();
                problem(res, 401, "unauthorized", "Unauthorized", "The API key is not valid.");
                return;
            }
            SecurityContextHolder.getContext().setAuthentication(new ApiCallerAuthentication(caller.get()));
            try {
                chain.doFilter(req, res);
            } finally {
                SecurityContextHolder.clearContext();
            }
        }
    }
}
