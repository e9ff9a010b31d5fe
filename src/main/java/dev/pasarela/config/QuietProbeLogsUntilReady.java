package dev.pasarela.config;

import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggerConfiguration;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Quiets Camel's health checks in the log until the application is ready. Tomcat answers
 * {@code /actuator/health} some seconds before Camel starts (Camel starts once the context is
 * refreshed), and camel-spring-boot logs every check that is not UP at WARN on every poll: a
 * context that has not started yet is reported as "is shutting down", and each route as
 * "has status Stopped", dozens of lines per poll of a start that is going well. The endpoint still
 * answers DOWN meanwhile; only those log lines wait. A logger the operator gave a level of its own
 * ({@code logging.level.*}) is left alone.
 */
@Component
public class QuietProbeLogsUntilReady implements DisposableBean {

    /** camel-spring-boot's readiness and liveness indicators: each logs its failed checks with its own logger. */
    static final List<String> PROBE_LOGGERS = List.of(
            "org.apache.camel.spring.boot.actuate.health.readiness.CamelReadinessStateHealthIndicator",
            "org.apache.camel.spring.boot.actuate.health.liveness.CamelLivenessStateHealthIndicator");

    private final LoggingSystem logging;
    /** The loggers quieted here, which inherited their level: they inherit it again when ready. */
    private final List<String> quieted = new ArrayList<>();

    public QuietProbeLogsUntilReady(ObjectProvider<LoggingSystem> loggingSystem) {
        // a context not started by SpringApplication (a test's) has no logging system: nothing to quiet
        this.logging = loggingSystem.getIfAvailable();
        if (logging == null) {
            return;
        }
        for (String name : PROBE_LOGGERS) {
            LoggerConfiguration current = logging.getLoggerConfiguration(name);
            if (current == null || current.getConfiguredLevel() == null) {
                logging.setLogLevel(name, LogLevel.ERROR);
                quieted.add(name);
            }
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    public void ready() {
        giveBack();
    }

    /**
     * A start that fails, or a context closed before it was ready: its beans are destroyed, and the
     * loggers of the JVM (which outlives a test's context) are given back.
     */
    @Override
    public void destroy() {
        giveBack();
    }

    private synchronized void giveBack() {
        quieted.forEach(name -> logging.setLogLevel(name, null));
        quieted.clear();
    }
}
