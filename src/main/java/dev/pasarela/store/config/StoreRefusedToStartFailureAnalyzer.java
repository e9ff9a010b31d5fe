package dev.pasarela.store.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints a refused store start as Spring Boot's short report (description and action), not a stack trace. */
public class StoreRefusedToStartFailureAnalyzer extends AbstractFailureAnalyzer<StoreRefusedToStartException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, StoreRefusedToStartException cause) {
        return new FailureAnalysis("The business data store did not start: " + cause.problem(), cause.action(), cause);
    }
}
