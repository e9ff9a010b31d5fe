package dev.pasarela.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;

/** Camel's probe loggers say nothing below ERROR until the application is ready, then what they were told. */
class ProbeLogsBeforeStartTest {

    private final LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
    private static final String READINESS = ProbeLogsBeforeStart.PROBE_LOGGERS.get(0);
    private static final String LIVENESS = ProbeLogsBeforeStart.PROBE_LOGGERS.get(1);

    @AfterEach
    void inheritAgain() {
        ProbeLogsBeforeStart.PROBE_LOGGERS.forEach(name -> logging.setLogLevel(name, null));
    }

    @Test
    void theProbesWarnOnlyOnceTheApplicationIsReady() {
        ProbeLogsBeforeStart quiet = new ProbeLogsBeforeStart(logging);
        assertThat(effective(READINESS)).isEqualTo(LogLevel.ERROR);
        assertThat(effective(LIVENESS)).isEqualTo(LogLevel.ERROR);

        quiet.onApplicationEvent(new ApplicationStartedEvent(new SpringApplication(), new String[0], context(), null));
        assertThat(effective(READINESS)).as("started is not ready: Camel may still be starting").isEqualTo(LogLevel.ERROR);

        quiet.onApplicationEvent(new ApplicationReadyEvent(new SpringApplication(), new String[0], context(), null));
        assertThat(logging.getLoggerConfiguration(READINESS).getConfiguredLevel()).isNull();
        assertThat(effective(READINESS)).isEqualTo(effective("org.apache.camel.spring.boot.actuate.health"));
        assertThat(effective(LIVENESS)).isNotEqualTo(LogLevel.ERROR);
    }

    @Test
    void aLevelTheOperatorConfiguredIsGivenBack() {
        logging.setLogLevel(READINESS, LogLevel.DEBUG);
        ProbeLogsBeforeStart quiet = new ProbeLogsBeforeStart(logging);
        assertThat(effective(READINESS)).isEqualTo(LogLevel.ERROR);

        quiet.onApplicationEvent(new ApplicationFailedEvent(new SpringApplication(), new String[0], context(),
                new IllegalStateException("a start that failed")));
        assertThat(logging.getLoggerConfiguration(READINESS).getConfiguredLevel()).isEqualTo(LogLevel.DEBUG);
        assertThat(logging.getLoggerConfiguration(LIVENESS).getConfiguredLevel()).isNull();
    }

    private LogLevel effective(String logger) {
        return logging.getLoggerConfiguration(logger).getEffectiveLevel();
    }

    private static ConfigurableApplicationContext context() {
        return mock(ConfigurableApplicationContext.class);
    }
}
