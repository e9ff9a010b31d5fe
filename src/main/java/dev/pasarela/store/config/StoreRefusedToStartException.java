package dev.pasarela.store.config;

/**
 * The store will not start on what it found (a datasource it must not keep its files beside, a copy
 * of the old table that no longer matches): what is wrong and what the operator does about it.
 */
public class StoreRefusedToStartException extends IllegalStateException {

    private final String problem;
    private final String action;

    StoreRefusedToStartException(String problem, String action) {
        super(problem + " " + action);
        this.problem = problem;
        this.action = action;
    }

    public String problem() {
        return problem;
    }

    public String action() {
        return action;
    }
}
