package dev.pasarela.pipeline.ingress;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

@Configuration(proxyBeanMethods = false)
public class IngressConfiguration {

    /** Meta documents webhook payloads of up to 3 MB; the default leaves room above that. */
    @Bean
    FilterRegistrationBean<RawBodyFilter> rawBodyFilter(
            @Value("${pasarela.ingress.max-body-bytes:4194304}") long maxBytes) {
        FilterRegistrationBean<RawBodyFilter> reg = new FilterRegistrationBean<>(new RawBodyFilter(maxBytes));
        reg.addUrlPatterns("/webhooks/*");
        reg.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return reg;
    }

    /**
     * Internal and operator calls get their own, smaller body limit (413 above it). It runs after
     * authentication (the ops token filter and Spring Security's chain), so nobody unauthenticated
     * gets a body buffered.
     */
    @Bean
    FilterRegistrationBean<RawBodyFilter> apiBodyLimitFilter(
            @Value("${pasarela.api.max-body-bytes:1048576}") long maxBytes) {
        FilterRegistrationBean<RawBodyFilter> reg = new FilterRegistrationBean<>(new RawBodyFilter(maxBytes));
        reg.addUrlPatterns("/api/*", "/ops/*");
        reg.setOrder(org.springframework.boot.autoconfigure.security.SecurityProperties.DEFAULT_FILTER_ORDER + 1);
        return reg;
    }
}
