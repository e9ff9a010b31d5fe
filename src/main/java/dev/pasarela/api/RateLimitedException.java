package dev.pasarela.api;


/** A 429: over a rate limit or out of a monthly quota; {@code retryAfterSeconds} becomes Retry-After. */
public class RateLimitedException extends ProblemException {

    private final long retryAfterSeconds;

    public RateLimitedException(String type, String title, String detail, long retryAfterSeconds) {
        super(429, type, title, detail);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
