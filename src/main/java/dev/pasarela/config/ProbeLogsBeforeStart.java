package dev.pasarela.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.event.SpringApplicationEvent;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggerConfiguration;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * Quiets Camel's health probes in the log until the application is ready. Tomcat answers
 * {@code /actuator/health} some seconds before Camel starts (Camel starts once the context is
 * refreshed), and camel-spring-boot logs every check that is not UP at WARN on every poll: a
 * context that has not started yet is reported as "is shutting down", and each route as
 * "has status Stopped", dozens of lines per poll of a start that is going well. The probes still
 * answer DOWN meanwhile; only those log lines wait. Once ready, the loggers are given back the
 * level they were configured with ({@code logging.level.*}), so a check that fails later is
 * logged as before.
 */
@Component
public class ProbeLogsBeforeStart implements ApplicationListener<SpringApplicationEvent> {

    /** camel-spring-boot's readiness and liveness indicators: each logs its failed checks with its own logger. */
    static final List<String> PROBE_LOGGERS = List.of(
            "org.apache.camel.spring.boot.actuate.health.readiness.CamelReadinessStateHealthIndicator",
            "org.apache.camel.spring.boot.actuate.health.liveness.CamelLivenessStateHealthIndicator");

    private final LoggingSystem logging;
    /** Each probe logger's configured level (null: inherited), to give back. */
    private final Map<String, LogLevel> configured = new LinkedHashMap<>();

    public ProbeLogsBeforeStart(LoggingSystem logging) {
        this.logging = logging;
        for (String name : PROBE_LOGGERS) {
            LoggerConfiguration current = logging.getLoggerConfiguration(name);
            configured.put(name, current == null ? null : current.getConfiguredLevel());
            logging.setLogLevel(name, LogLevel.ERROR);
        }
    }

    /** Ready: the probes log as configured. A failed start too, so its last probes say why. */
    @Override
    public void onApplicationEvent(SpringApplicationEvent event) {
        if (event instanceof ApplicationReadyEvent || event instanceof ApplicationFailedEvent) {
            configured.forEach(logging::setLogLevel);
        }
    }
}
