package dev.pasarela.integrations.meta;

import dev.pasarela.api.ProblemException;

/**
 * A Graph refusal answered to a caller who waits (page set-up, deleting a post), the same way
 * everywhere: Meta's code and nothing of its message, which can echo ids or what was posted.
 */
public final class GraphProblems {

    private GraphProblems() {
    }

    public static ProblemException of(GraphException e) {
        int code = e.code();
        if (GraphException.isThrottling(code)) {
            return new ProblemException(429, "meta-rate-limited", "Meta rate limit",
                    "Meta is throttling these calls (Graph error " + code + "); retry later.")
                    .retryAfter(e.retryAfter().map(d -> Math.max(1, d.toSeconds())).orElse(60L));
        }
        if (e.kind() == GraphException.Kind.TOKEN) {
            return new ProblemException(409, "needs-reauth", "Meta needs re-authorisation",
                    "Meta refused the token as revoked or expired (Graph error " + code + "); connect the page again.");
        }
        if (code == 10 || (code >= 200 && code < 300)) {
            return new ProblemException(422, "facebook-permission-missing", "Facebook permission missing",
                    "Meta refused the call for lack of a permission (Graph error " + code + "): log in with Facebook "
                            + "again and grant pages_show_list, pages_manage_posts, pages_read_engagement and, for "
                            + "Instagram, instagram_basic and instagram_content_publish.");
        }
        if (e.kind() == GraphException.Kind.TRANSIENT) {
            return new ProblemException(503, "meta-unavailable", "Meta unavailable",
                    "Meta could not answer now (Graph error " + code + "); retry later.")
                    .retryAfter(e.retryAfter().map(d -> Math.max(1, d.toSeconds())).orElse(30L));
        }
        return new ProblemException(502, "meta-refused", "Meta refused the call",
                "Meta refused the call (Graph error " + code + ").");
    }
}
