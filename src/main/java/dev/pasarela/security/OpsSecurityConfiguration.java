package dev.pasarela.security;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * The operations API token, which also guards the Prometheus endpoint (scrapers send it as a
 * bearer token). The gateway refuses to start without a token of at least 32
 * characters, except in the {@code dev} profile, which generates one and prints it once (as
 * Spring Security does with its generated password).
 */
@Configuration(proxyBeanMethods = false)
public class OpsSecurityConfiguration {

    static final int MIN_LENGTH = 32;
    private static final Logger log = LoggerFactory.getLogger(OpsSecurityConfiguration.class);

    @Bean
    FilterRegistrationBean<OpsTokenFilter> opsTokenFilter(@Value("${pasarela.ops.token:}") String token,
                                                          Environment env) {
        boolean dev = Arrays.asList(env.getActiveProfiles()).contains("dev");
        if (token.isBlank() && dev) {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            token = HexFormat.of().formatHex(random);
            log.warn("dev profile: PASARELA_OPS_TOKEN is not set; using generated ops token: {}", token);
        } else if (token.length() < MIN_LENGTH && !dev) {
            throw new IllegalStateException("PASARELA_OPS_TOKEN must be set to at least " + MIN_LENGTH
                    + " characters (it guards /ops); only the dev profile may run without it");
        }
        FilterRegistrationBean<OpsTokenFilter> reg = new FilterRegistrationBean<>(new OpsTokenFilter(token));
        reg.addUrlPatterns("/ops/*", "/actuator/prometheus"); // metrics name tenants: operators only
        reg.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return reg;
    }
}
