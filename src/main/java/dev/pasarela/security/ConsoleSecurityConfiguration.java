package dev.pasarela.security;

import dev.pasarela.api.Problems;
import dev.pasarela.config.DataDirProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
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
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.AndRequestMatcher;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
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
 * is shared by Boot's management context; with {@code management.server.port} set the console (login
 * form and HTTP Basic included) answers only there, and its paths on the gateway's port are 404s.
 * Without a configured password every console path is a 404. Wrong logins are throttled per
 * address ({@link ConsoleLoginThrottle}). The {@code dev} profile's generated password is printed and
 * written, readable by its owner only, to {@code $PASARELA_DATA_DIR/dev-console-password}.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleSecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ConsoleSecurityConfiguration.class);

    public static final String ROLE = "OPERATOR";
    public static final String HAWTIO = "/actuator/hawtio";
    public static final String JOLOKIA = "/actuator/jolokia";
    static final String LOGIN = "/login";

    static final String DEV_PASSWORD_FILE = "dev-console-password";

    /** Where the console is served: with {@code management.server.port} set, only there, never on the gateway's port. */
    static RequestMatcher consolePort(Environment env) {
        if (ManagementPortType.get(env) == ManagementPortType.SAME) {
            return AnyRequestMatcher.INSTANCE;
        }
        // Boot sets local.management.port once the management server listens (the real port when it is 0)
        return request -> {
            Integer port = env.getProperty("local.management.port", Integer.class);
            return port != null && port > 0 && port == request.getLocalPort();
        };
    }

    static RequestMatcher consolePaths() {
        PathPatternRequestMatcher.Builder path = PathPatternRequestMatcher.withDefaults();
        return new OrRequestMatcher(path.matcher(HAWTIO), path.matcher(HAWTIO + "/**"),
                path.matcher(JOLOKIA), path.matcher(JOLOKIA + "/**"), path.matcher(LOGIN), path.matcher("/logout"));
    }

    @Bean
    ConsoleLoginThrottle consoleLoginThrottle(ConsoleProperties console, Clock clock) {
        return new ConsoleLoginThrottle(console.maxLoginFailures(), console.loginLockout(), clock);
    }

    /**
     * With a management port, the console's paths on the gateway's (public) port: a 404, so neither
     * its login form nor HTTP Basic can be tried there.
     */
    @Bean
    @Order(0)
    SecurityFilterChain consoleOffItsPort(HttpSecurity http, Environment env) throws Exception {
        http.securityMatcher(new AndRequestMatcher(consolePaths(), new NegatedRequestMatcher(consolePort(env))));
        return closed(http, "No endpoint answers at this path.");
    }

    @Bean
    @Order(1)
    SecurityFilterChain consoleSecurity(HttpSecurity http, ConsoleProperties console, Environment env,
                                        DataDirProperties data, ConsoleLoginThrottle throttle) throws Exception {
        PathPatternRequestMatcher.Builder path = PathPatternRequestMatcher.withDefaults();
        http.securityMatcher(new AndRequestMatcher(consolePaths(), consolePort(env)));
        if (!console.open()) {
            return closed(http, "The operator console is not enabled.");
        }
        ProviderManager authentication = new ProviderManager(operator(console, data));
        authentication.setAuthenticationEventPublisher(throttle);
        // Jolokia calls (the console's own XHRs and scripts) get a bare 401: no login page, no Basic dialog
        RequestMatcher api = new OrRequestMatcher(path.matcher(JOLOKIA), path.matcher(JOLOKIA + "/**"),
                path.matcher(HAWTIO + "/jolokia/**"), req -> "XMLHttpRequest".equals(req.getHeader("X-Requested-With")));
        return http
                .authenticationManager(authentication)
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
                // before the CSRF check too: a locked-out address learns nothing more, token or not
                .addFilterBefore(new LockedOutFilter(throttle, path.matcher(HttpMethod.POST, LOGIN)), CsrfFilter.class)
                .addFilterAfter(new CsrfCookieFilter(), BasicAuthenticationFilter.class)
                .build();
    }

    private static SecurityFilterChain closed(HttpSecurity http, String detail) throws Exception {
        AuthenticationEntryPoint closed = (req, res, e) -> notFound(res, detail);
        return http.csrf(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .authorizeHttpRequests(a -> a.anyRequest().denyAll())
                .exceptionHandling(e -> e.authenticationEntryPoint(closed)
                        .accessDeniedHandler((req, res, ex) -> notFound(res, detail)))
                .build();
    }

    static DaoAuthenticationProvider operator(ConsoleProperties console, DataDirProperties data) {
        PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        String password = console.password();
        if (password.isBlank()) {
            byte[] random = new byte[18];
            new SecureRandom().nextBytes(random);
            password = HexFormat.of().formatHex(random);
            Path file = data.resolve(DEV_PASSWORD_FILE);
            OpsSecurityConfiguration.writeOwnerOnly(file, password);
            log.warn("dev profile: PASARELA_CONSOLE_PASSWORD is not set; console {} user '{}', generated password: {}"
                    + " (also in {})", HAWTIO + "/", console.user(), password, file);
        }
        String stored = password.startsWith("{") ? password : encoder.encode(password);
        DaoAuthenticationProvider provider = new DaoAuthenticationProvider(new InMemoryUserDetailsManager(
                User.withUsername(console.user()).password(stored).roles(ROLE).build()));
        provider.setPasswordEncoder(encoder);
        return provider;
    }

    /**
     * A login attempt (the form's POST, or any request carrying HTTP Basic credentials) reserves its place
     * with {@link ConsoleLoginThrottle} first; from an address out of attempts it is a 429 with
     * {@code Retry-After}, the password not even checked.
     */
    static final class LockedOutFilter extends OncePerRequestFilter {
        private final ConsoleLoginThrottle throttle;
        private final RequestMatcher loginForm;

        LockedOutFilter(ConsoleLoginThrottle throttle, RequestMatcher loginForm) {
            this.throttle = throttle;
            this.loginForm = loginForm;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String authorization = request.getHeader("Authorization");
            boolean attempt = loginForm.matches(request)
                    || authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
            if (!attempt) {
                chain.doFilter(request, response);
                return;
            }
            // reserved before the password is checked, released after its outcome is recorded
            String address = request.getRemoteAddr();
            java.util.Optional<java.time.Duration> locked = throttle.tryAcquire(address);
            if (locked.isEmpty()) {
                try {
                    chain.doFilter(request, response);
                } finally {
                    throttle.release(address);
                }
                return;
            }
            long seconds = Math.max(1, (locked.get().toMillis() + 999) / 1000);
            response.setHeader("Retry-After", String.valueOf(seconds));
            Problems.write(response, 429, "too-many-login-failures", "Too many login failures",
                    "Too many wrong console logins from this address; try again in " + seconds + " seconds.");
        }
    }

    private static void notFound(HttpServletResponse res, String detail) throws IOException {
        Problems.write(res, 404, "not-found", "Not found", detail);
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
