package dev.pasarela.security;

import dev.pasarela.api.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.util.StringUtils;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The operator console (Hawtio at {@code /actuator/hawtio}, its Jolokia agent at
 * {@code /actuator/jolokia}): one operator login ({@link ConsoleProperties}) with role
 * {@code OPERATOR}, a form login for browsers and HTTP Basic for scripts. Hawtio's own
 * authentication is off ({@code hawtio.authenticationEnabled=false}) because this chain guards every
 * path it serves; what an operator may do through Jolokia is {@code jolokia-access.xml}. The chain
 * is shared by Boot's management context, so it also guards the console on
 * {@code management.server.port}. Without a configured password every console path is a 404.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleSecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ConsoleSecurityConfiguration.class);

    public static final String ROLE = "OPERATOR";
    public static final String HAWTIO = "/actuator/hawtio";
    public static final String JOLOKIA = "/actuator/jolokia";
    static final String LOGIN = "/login";

    @Bean
    @Order(1)
    SecurityFilterChain consoleSecurity(HttpSecurity http, ConsoleProperties console) throws Exception {
        PathPatternRequestMatcher.Builder path = PathPatternRequestMatcher.withDefaults();
        RequestMatcher consolePaths = new OrRequestMatcher(path.matcher(HAWTIO), path.matcher(HAWTIO + "/**"),
                path.matcher(JOLOKIA), path.matcher(JOLOKIA + "/**"), path.matcher(LOGIN), path.matcher("/logout"));
        http.securityMatcher(consolePaths);
        if (!console.open()) {
            AuthenticationEntryPoint closed = (req, res, e) -> notFound(res);
            return http.csrf(AbstractHttpConfigurer::disable)
                    .formLogin(AbstractHttpConfigurer::disable)
                    .httpBasic(AbstractHttpConfigurer::disable)
                    .logout(AbstractHttpConfigurer::disable)
                    .authorizeHttpRequests(a -> a.anyRequest().denyAll())
                    .exceptionHandling(e -> e.authenticationEntryPoint(closed)
                            .accessDeniedHandler((req, res, ex) -> notFound(res)))
                    .build();
        }
        // Jolokia calls (the console's own XHRs and scripts) get a bare 401: no login page, no Basic dialog
        RequestMatcher api = new OrRequestMatcher(path.matcher(JOLOKIA), path.matcher(JOLOKIA + "/**"),
                path.matcher(HAWTIO + "/jolokia/**"), req -> "XMLHttpRequest".equals(req.getHeader("X-Requested-With")));
        return http
                .authenticationManager(new ProviderManager(operator(console)))
                .authorizeHttpRequests(a -> a.requestMatchers(path.matcher(LOGIN)).permitAll()
                        .anyRequest().hasRole(ROLE))
                .formLogin(f -> f.defaultSuccessUrl(HAWTIO + "/", false))
                .httpBasic(b -> b.authenticationEntryPoint(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED)))
                .logout(l -> l.logoutSuccessUrl(LOGIN + "?logout"))
                .exceptionHandling(e -> e
                        // a POST without a session fails the CSRF check first: still a 401, not a 403
                        .accessDeniedHandler((req, res, ex) -> {
                            Authentication who = SecurityContextHolder.getContext().getAuthentication();
                            res.sendError(who == null || !who.isAuthenticated() || "anonymousUser".equals(who.getPrincipal())
                                    ? 401 : 403);
                        })
                        .defaultAuthenticationEntryPointFor(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED), api)
                        .defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint(LOGIN), req -> true))
                // Hawtio sends the XSRF-TOKEN cookie back as X-XSRF-TOKEN on every Jolokia POST (the SPA
                // arrangement of Spring Security's reference and of Hawtio's springboot-security example);
                // a script with an Authorization header carries no ambient credential to forge
                .csrf(c -> c.csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                        .csrfTokenRequestHandler(new SpaCsrfTokenRequestHandler())
                        .ignoringRequestMatchers(req -> req.getHeader("Authorization") != null))
                .addFilterAfter(new CsrfCookieFilter(), BasicAuthenticationFilter.class)
                .build();
    }

    static DaoAuthenticationProvider operator(ConsoleProperties console) {
        PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        String password = console.password();
        if (password.isBlank()) {
            byte[] random = new byte[18];
            new SecureRandom().nextBytes(random);
            password = HexFormat.of().formatHex(random);
            log.warn("dev profile: PASARELA_CONSOLE_PASSWORD is not set; console {} user '{}', generated password: {}",
                    HAWTIO + "/", console.user(), password);
        }
        String stored = password.startsWith("{") ? password : encoder.encode(password);
        DaoAuthenticationProvider provider = new DaoAuthenticationProvider(new InMemoryUserDetailsManager(
                User.withUsername(console.user()).password(stored).roles(ROLE).build()));
        provider.setPasswordEncoder(encoder);
        return provider;
    }

    private static void notFound(HttpServletResponse res) throws IOException {
        res.setStatus(404);
        res.setContentType(Problems.MEDIA_TYPE);
        res.getOutputStream().write(Problems.json(404, "not-found", "Not Found",
                "The operator console is not enabled.", null).getBytes(StandardCharsets.UTF_8));
    }

    /** Reads the token from the X-XSRF-TOKEN header as it is (the SPA case), from a form field masked. */
    static final class SpaCsrfTokenRequestHandler extends CsrfTokenRequestAttributeHandler {
        private final XorCsrfTokenRequestAttributeHandler masked = new XorCsrfTokenRequestAttributeHandler();

        @Override
        public void handle(HttpServletRequest request, HttpServletResponse response, Supplier<CsrfToken> token) {
            masked.handle(request, response, token);
        }

        @Override
        public String resolveCsrfTokenValue(HttpServletRequest request, CsrfToken token) {
            return StringUtils.hasText(request.getHeader(token.getHeaderName()))
                    ? super.resolveCsrfTokenValue(request, token)
                    : masked.resolveCsrfTokenValue(request, token);
        }
    }

    /** Loads the deferred token so the XSRF-TOKEN cookie reaches the browser before its first POST. */
    static final class CsrfCookieFilter extends OncePerRequestFilter {
        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
            if (token != null) {
                token.getToken();
            }
            chain.doFilter(request, response);
        }
    }
}
