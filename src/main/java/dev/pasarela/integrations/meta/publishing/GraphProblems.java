package dev.pasarela.integrations.meta.publishing;

import dev.pasarela.api.ProblemException;
import dev.pasarela.integrations.meta.GraphException;

/** A Graph refusal answered to a caller who waits (delete): never Meta's message, which can echo ids or text. */
final class GraphProblems {

    private GraphProblems() {
    }

    static ProblemException of(GraphException e) {
        return switch (e.kind()) {
            case TRANSIENT -> new ProblemException(503, "meta-unavailable", "Meta unavailable",
                    "Meta is throttling or unavailable (Graph error " + e.code() + "); try again later.")
                    .retryAfter(e.retryAfter().map(d -> Math.max(1, d.toSeconds())).orElse(30L));
            case TOKEN -> new ProblemException(409, "needs-reauth", "Meta needs re-authorisation",
                    "Meta refused the page token as revoked or expired (Graph error " + e.code()
                            + "); connect the page again.");
            case OPERATOR, RECIPIENT -> new ProblemException(502, "meta-refused", "Meta refused the call",
                    "Meta refused the call with Graph error " + e.code() + ".");
        };
    }
}
