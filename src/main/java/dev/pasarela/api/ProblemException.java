package dev.pasarela.api;

/**
 * A request the gateway refuses, answered as RFC 9457 problem+json. {@code type} is the last
 * segment of the problem type URI ({@code https://pasarela.dev/problems/<type>}).
 */
public class ProblemException extends RuntimeException {
    private final int status;
    private final String type;
    private final String title;
    private long retryAfterSeconds;

    public ProblemException(int status, String type, String title, String detail) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    /** Answered with a {@code Retry-After} of this many seconds (a 429, or a 503 that will pass). */
    public ProblemException retryAfter(long seconds) {
        this.retryAfterSeconds = Math.max(1, seconds);
        return this;
    }

    /** 0 when the answer has no {@code Retry-After}. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public String detail() {
        return getMessage();
    }
}
