package dev.pasarela.config;

import java.util.regex.Pattern;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * A start that failed where only a running bean can tell (a tenants file with a bad entry, Firestore
 * credentials that do not load, Redis unreachable): when the failure's message names an environment
 * variable, it is reported as one line in the same short report as {@link ConfigurationCheck}'s, not
 * as a stack trace of bean creation.
 */
public class VariableFailureAnalyzer implements FailureAnalyzer {

    /** Messages of ours that start with the variable they are about, e.g. {@code PASARELA_TENANTS_FILE: …}. */
    private static final Pattern NAMES_A_VARIABLE = Pattern.compile("^(pasarela\\.[a-z.-]+ \\()?[A-Z][A-Z0-9]*_[A-Z0-9_]+\\b.*",
            Pattern.DOTALL);

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IllegalStateException && t.getMessage() != null
                    && NAMES_A_VARIABLE.matcher(t.getMessage()).matches()) {
                return new FailureAnalysis("Pasarela's configuration has 1 problem:\n  - " + t.getMessage(),
                        "Set or correct the environment variable named above (README.md, section Configuration), "
                                + "then start again.", t);
            }
        }
        return null;
    }
}
