package dev.pasarela.api.refusals;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The same refusals on the management port ({@code management.server.port}): Boot builds that port's
 * Tomcat in a child context that sees none of the gateway's customizers and brings its own error
 * page ({@code ManagementErrorEndpoint}, which echoes the path). So its host gets
 * {@link ContainerRefusals} too, and its error dispatches are answered, before they reach that
 * endpoint, as {@link ProblemErrorController} answers them on the gateway's port.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@ConditionalOnClass(TomcatServletWebServerFactory.class)
public class ManagementRefusalsConfiguration {

    /** Last, as on the gateway's port: Boot's own valve must be there to be replaced. */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> managementContainerRefusals() {
        return factory -> factory.addContextCustomizers(
                context -> ContainerRefusals.install((org.apache.catalina.Host) context.getParent()));
    }

    /**
     * The error page as problem+json. A filter on the error dispatch rather than a second
     * {@code /error} controller, which would clash with Boot's in the child context.
     */
    @Bean
    FilterRegistrationBean<ErrorDispatchRefusals> managementErrorRefusals(ServerProperties server) {
        FilterRegistrationBean<ErrorDispatchRefusals> reg =
                new FilterRegistrationBean<>(new ErrorDispatchRefusals(server.getError().getPath()));
        reg.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ERROR);
        reg.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return reg;
    }

    static final class ErrorDispatchRefusals extends OncePerRequestFilter {
        private final String errorPath;

        ErrorDispatchRefusals(String errorPath) {
            this.errorPath = errorPath;
        }

        @Override
        protected boolean shouldNotFilterErrorDispatch() {
            return false;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            // the error page asked for by name is a path like any other: 404, as on the gateway's port
            if (request.getDispatcherType() != DispatcherType.ERROR && !errorPath.equals(request.getRequestURI())) {
                chain.doFilter(request, response);
                return;
            }
            ProblemErrorController.refusal(request).write(response);
        }
    }
}
