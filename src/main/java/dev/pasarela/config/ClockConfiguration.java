package dev.pasarela.config;

import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one clock every reader of time gets, so tests can fix or move it. */
@Configuration(proxyBeanMethods = false)
public class ClockConfiguration {

    @Bean
    @ConditionalOnMissingBean // a test configuration may supply a fixed or movable clock instead
    Clock clock() {
        return Clock.systemUTC();
    }
}
