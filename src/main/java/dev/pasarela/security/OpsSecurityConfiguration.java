package dev.pasarela.security;

import dev.pasarela.config.DataDirProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * The operations API token, which also guards the Prometheus endpoint (scrapers send it as a
 * bearer token). The gateway refuses to start without a token of at least 32
 * characters, except in the {@code dev} profile, which generates one, prints it once (as Spring
 * Security does with its generated password) and writes it, readable by its owner only, to
 * {@code $PASARELA_DATA_DIR/dev-ops-token}, so a walkthrough can read it:
 * {@code OPS_TOKEN=$(cat data/dev-ops-token)}.
 */
@Configuration(proxyBeanMethods = false)
public class OpsSecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(OpsSecurityConfiguration.class);
    static final String DEV_TOKEN_FILE = "dev-ops-token";

    /** The dev token for the walkthrough's {@code cat}: created empty with owner-only permissions, then written. */
    static void writeOwnerOnly(Path file, String token) {
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
            Files.writeString(file, token + "\n");
        } catch (IOException e) {
            log.warn("dev profile: could not write the generated ops token to {}: {}", file, e.getMessage());
        }
    }

    @Bean
    FilterRegistrationBean<OpsTokenFilter> opsTokenFilter(OpsProperties ops, DataDirProperties data) {
        String token = ops.token();
        if (token.isBlank() && ops.generateToken()) {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            token = HexFormat.of().formatHex(random);
            Path file = data.resolve(DEV_TOKEN_FILE);
            writeOwnerOnly(file, token);
            log.warn("dev profile: PASARELA_OPS_TOKEN is not set; using generated ops token: {} (also in {})", token, file);
        } else if (!ops.problems().isEmpty()) {
            throw new IllegalStateException(ops.problems().get(0)); // ConfigurationCheck reports it first
        }
        FilterRegistrationBean<OpsTokenFilter> reg = new FilterRegistrationBean<>(new OpsTokenFilter(token));
        reg.addUrlPatterns("/ops/*", "/actuator/prometheus"); // metrics name tenants: operators only
        if (!ops.publicApiDocs()) {
            reg.addUrlPatterns("/v3/api-docs", "/v3/api-docs.yaml", "/v3/api-docs/*"); // the API's map: operators only, outside dev
        }
        reg.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return reg;
    }

    /**
     * The same filter inside Spring Security for the Prometheus endpoint: a servlet filter bean
     * reaches the gateway's port only, while the security chains also run on Boot's management
     * context, so with {@code management.server.port} set (the console's port) the metrics stay
     * behind the ops token there too. On the gateway's port the filter runs once (once per request).
     */
    @Bean
    @Order(2)
    SecurityFilterChain opsMetricsSecurity(HttpSecurity http, FilterRegistrationBean<OpsTokenFilter> opsTokenFilter)
            throws Exception {
        return http.securityMatcher(PathPatternRequestMatcher.withDefaults().matcher("/actuator/prometheus"))
                .csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .addFilterBefore(opsTokenFilter.getFilter(), AuthorizationFilter.class)
                .build();
    }
}
