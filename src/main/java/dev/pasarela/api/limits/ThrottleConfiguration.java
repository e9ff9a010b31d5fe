package dev.pasarela.api.limits;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration(proxyBeanMethods = false)
public class ThrottleConfiguration implements WebMvcConfigurer {

    private final ApiLimitsInterceptor limits;

    public ThrottleConfiguration(ApiLimitsInterceptor limits) {
        this.limits = limits;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(limits).addPathPatterns("/api/**");
    }
}
