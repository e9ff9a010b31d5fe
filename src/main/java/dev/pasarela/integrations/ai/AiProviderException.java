package dev.pasarela.integrations.ai;

import java.time.Duration;

/**
 * A provider call that did not answer. Its message names the provider, the status and the
 * provider's error type, never the request's text or the key.
 *
 * @see Failure
 */
public class AiProviderException extends RuntimeException {

    /** How a provider failed, which decides retry and failover. */
    public enum Failure {
        /** 429 of the provider's rate limit: retried after its reset, then the other provider. */
        RATE_LIMITED(true),
        /** 5xx, Anthropic's 529 overloaded, a connection failure: retried, then the other provider. */
        UNAVAILABLE(true),
        /** No answer within the use case's timeout: retried, then the other provider. */
        TIMEOUT(true),
        /** Billing: OpenAI's {@code insufficient_quota}, Anthropic's 402 or spend limit. Not retried; the other provider may answer. */
        BILLING(false),
        /** 401/403: the key is wrong or lacks permission. Not retried. */
        UNAUTHORIZED(false),
        /** 400/404/413/422: the provider refuses the request as made. Not retried. */
        REJECTED(false);

        private final boolean retryable;

        Failure(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final String provider;
    private final Failure failure;
    private final int status;
    private final String errorType;
    private final Duration retryAfter;

    /**
     * @param status     the HTTP status, 0 when there was none (timeout, connection)
     * @param errorType  the provider's error type ({@code rate_limit_error}, {@code invalid_request_error}…) or null
     * @param retryAfter the wait the provider asked for ({@code Retry-After}, its reset headers), or null
     */
    public AiProviderException(String provider, Failure failure, int status, String errorType, Duration retryAfter,
                               Throwable cause) {
        super(provider + " " + (status == 0 ? failure.name().toLowerCase() : "answered " + status)
                + (errorType == null ? "" : " " + errorType), cause);
        this.provider = provider;
        this.failure = failure;
        this.status = status;
        this.errorType = errorType;
        this.retryAfter = retryAfter;
    }

    public String provider() {
        return provider;
    }

    public Failure failure() {
        return failure;
    }

    public int status() {
        return status;
    }

    public String errorType() {
        return errorType;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
