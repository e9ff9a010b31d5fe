package dev.pasarela.api.refusals;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Refusals at the doors in front of the handlers, as problem+json: the servlet container's
 * ({@link ContainerRefusals}), Spring Security's firewall ({@link FirewallRefusals}, picked up
 * by {@code WebSecurity} as beans), and the container's error page ({@link ProblemErrorController}).
 */
@Configuration(proxyBeanMethods = false)
public class RefusalsConfiguration {

    @Bean
    HttpFirewall httpFirewall() {
        return FirewallRefusals.firewall();
    }

    @Bean
    RequestRejectedHandler requestRejectedHandler() {
        return new FirewallRefusals();
    }

    /** First of all filters: everything after it, Camel's consumer included, sees a readable Accept or none. */
    @Bean
    FilterRegistrationBean<UnreadableAcceptFilter> unreadableAcceptFilter() {
        FilterRegistrationBean<UnreadableAcceptFilter> reg = new FilterRegistrationBean<>(new UnreadableAcceptFilter());
        reg.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return reg;
    }

    /** Last, so the valve Boot adds for {@code server.error.include-stacktrace=never} is there to be replaced. */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> containerRefusals() {
        return factory -> factory.addContextCustomizers(context -> ContainerRefusals.install((org.apache.catalina.Host) context.getParent()));
    }
}
