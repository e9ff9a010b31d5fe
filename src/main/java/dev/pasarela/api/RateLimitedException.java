package dev.pasarela.api;


/** A 429: over a rate limit or out of a monthly quota; {@code retryAfterSeconds} becomes Retry-After. */
public class RateLimitedException extends ProblemException {

    public RateLimitedException(String type, String title, String detail, long retryAfterSeconds) {
        super(429, type, title, detail);
        retryAfter(retryAfterSeconds);
    }

}
