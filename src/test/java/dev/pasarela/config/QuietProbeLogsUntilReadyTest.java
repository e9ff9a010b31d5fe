package dev.pasarela.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;

/** Camel's probe loggers say nothing below ERROR until the application is ready, then what they inherit. */
class QuietProbeLogsUntilReadyTest {

    private final LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
    private static final String READINESS = QuietProbeLogsUntilReady.PROBE_LOGGERS.get(0);
    private static final String LIVENESS = QuietProbeLogsUntilReady.PROBE_LOGGERS.get(1);

    @BeforeEach
    @AfterEach
    void inherit() {
        QuietProbeLogsUntilReady.PROBE_LOGGERS.forEach(name -> logging.setLogLevel(name, null));
    }

    @Test
    void theProbesLogTheirFailedChecksOnlyOnceTheApplicationIsReady() {
        QuietProbeLogsUntilReady quiet = quiet();
        assertThat(effective(READINESS)).isEqualTo(LogLevel.ERROR);
        assertThat(effective(LIVENESS)).isEqualTo(LogLevel.ERROR);

        quiet.ready();
        assertThat(logging.getLoggerConfiguration(READINESS).getConfiguredLevel()).isNull();
        assertThat(effective(READINESS)).isEqualTo(effective("org.apache.camel.spring.boot.actuate.health"))
                .isNotEqualTo(LogLevel.ERROR);
        assertThat(effective(LIVENESS)).isNotEqualTo(LogLevel.ERROR);
    }

    @Test
    void aContextDestroyedBeforeItWasReadyGivesTheLoggersBack() {
        QuietProbeLogsUntilReady quiet = quiet();
        quiet.destroy();
        assertThat(logging.getLoggerConfiguration(READINESS).getConfiguredLevel()).isNull();
        assertThat(logging.getLoggerConfiguration(LIVENESS).getConfiguredLevel()).isNull();
    }

    @Test
    void aLevelTheOperatorGaveTheLoggerIsLeftAlone() {
        logging.setLogLevel(READINESS, LogLevel.DEBUG);
        QuietProbeLogsUntilReady quiet = quiet();
        assertThat(effective(READINESS)).isEqualTo(LogLevel.DEBUG);
        assertThat(effective(LIVENESS)).isEqualTo(LogLevel.ERROR);

        quiet.ready();
        assertThat(logging.getLoggerConfiguration(READINESS).getConfiguredLevel()).isEqualTo(LogLevel.DEBUG);
        assertThat(logging.getLoggerConfiguration(LIVENESS).getConfiguredLevel()).isNull();
    }

    private QuietProbeLogsUntilReady quiet() {
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        beans.addBean("springBootLoggingSystem", logging);
        return new QuietProbeLogsUntilReady(beans.getBeanProvider(LoggingSystem.class));
    }

    private LogLevel effective(String logger) {
        return logging.getLoggerConfiguration(logger).getEffectiveLevel();
    }
}
