package dev.pasarela.pipeline.ingress;

import dev.pasarela.api.ApiProperties;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

@Configuration(proxyBeanMethods = false)
public class IngressConfiguration {

    /** In place of Camel's engine for Spring Boot, which runs each route on a task executor (see the class). */
    @Bean("platform-http-engine")
    PlatformHttpEngine platformHttpEngine(ServerProperties server, IngressProperties ingress) {
        return new InlinePlatformHttpEngine(server.getPort() == null ? 8080 : server.getPort(),
                ingress.maxConcurrent(), ingress.maxWait());
    }

    /** Meta documents webhook payloads of up to 3 MB; the default leaves room above that. */
    @Bean
    FilterRegistrationBean<RawBodyFilter> rawBodyFilter(IngressProperties ingress) {
        FilterRegistrationBean<RawBodyFilter> reg = new FilterRegistrationBean<>(new RawBodyFilter(ingress.maxBodyBytes()));
        reg.addUrlPatterns("/webhooks/*");
        reg.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return reg;
    }

    /**
     * Internal and operator calls get their own, smaller body limit (413 above it). It runs after
     * authentication (the ops token filter and Spring Security's chain), so nobody unauthenticated
     * gets a body buffered. File uploads (multipart to {@code /api/v1/files/}) are the exception:
     * they are bounded by {@code spring.servlet.multipart.*} and the per-kind limits instead, and
     * must reach Spring's multipart parser as they came.
     */
    @Bean
    FilterRegistrationBean<RawBodyFilter> apiBodyLimitFilter(ApiProperties api) {
        RawBodyFilter filter = new RawBodyFilter(api.maxBodyBytes()) {
            @Override
            protected boolean shouldNotFilter(jakarta.servlet.http.HttpServletRequest request) {
                String type = request.getContentType();
                return "POST".equals(request.getMethod()) && request.getRequestURI().startsWith("/api/v1/files/")
                        && type != null && type.regionMatches(true, 0, "multipart/form-data", 0, 19);
            }
        };
        FilterRegistrationBean<RawBodyFilter> reg = new FilterRegistrationBean<>(filter);
        reg.addUrlPatterns("/api/*", "/ops/*");
        reg.setOrder(org.springframework.boot.autoconfigure.security.SecurityProperties.DEFAULT_FILTER_ORDER + 1);
        return reg;
    }
}
