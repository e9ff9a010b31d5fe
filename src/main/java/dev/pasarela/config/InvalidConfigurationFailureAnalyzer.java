package dev.pasarela.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Prints the configuration problems as Spring Boot's short start-failure report (description and
 * action, no stack trace), instead of an exception buried in a context refresh failure.
 */
public class InvalidConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationException cause) {
        StringBuilder description = new StringBuilder("Pasarela's configuration has ")
                .append(cause.problems().size()).append(cause.problems().size() == 1 ? " problem:" : " problems:");
        cause.problems().forEach(p -> description.append("\n  - ").append(p));
        return new FailureAnalysis(description.toString(),
                "Set or correct the environment variables named above (README.md, section Configuration), then start"
                        + " again.", cause);
    }
}
