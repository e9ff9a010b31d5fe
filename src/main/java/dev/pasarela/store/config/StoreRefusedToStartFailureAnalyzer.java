package dev.pasarela.store.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Prints a refused store start as Spring Boot's short report (description and action), not a stack
 * trace. First among the analyzers: the refusal is an {@link IllegalStateException} whose message may
 * start with a variable's name, which the gateway's generic analyzer would report without the action.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public class StoreRefusedToStartFailureAnalyzer extends AbstractFailureAnalyzer<StoreRefusedToStartException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, StoreRefusedToStartException cause) {
        return new FailureAnalysis("The business data store did not start: " + cause.problem(), cause.action(), cause);
    }
}
