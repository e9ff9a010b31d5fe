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
            @Value("${pasarela.ingress.max-body-bytes:4194304}") long maxBytes, WebhookAbuseGuard abuse) {
        FilterRegistrationBean<RawBodyFilter> reg = new FilterRegistrationBean<>(new RawBodyFilter(maxBytes, abuse));
        reg.addUrlPatterns("/webhooks/*");
        reg.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return reg;
    }
}
