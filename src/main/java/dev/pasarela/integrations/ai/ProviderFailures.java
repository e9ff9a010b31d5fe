package dev.pasarela.integrations.ai;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.regex.Pattern;

/** What {@link OpenAiFailures} and {@link AnthropicFailures} share. */
final class ProviderFailures {

    /** What an error type or code looks like ({@code rate_limit_error}, {@code insufficient_quota}). */
    private static final Pattern ERROR_TYPE = Pattern.compile("[A-Za-z0-9_.:/-]{1,80}");

    private ProviderFailures() {}

    /**
     * The provider's error type when it looks like one, else null: it goes into the exception's
     * message, which must never carry text a provider might have echoed.
     */
    static String errorType(String value) {
        return value != null && ERROR_TYPE.matcher(value).matches() ? value : null;
    }

    /**
     * A provider call that got no HTTP answer: TIMEOUT or UNAVAILABLE when the chain holds an
     * IOException, else null. Both SDKs wrap OkHttp's {@link IOException} in their own
     * ({@code OpenAIIoException}, {@code AnthropicIoException}, message "Request failed"); a call or
     * read timeout is an {@link InterruptedIOException} ({@code SocketTimeoutException} is one) in
     * that chain, anything else (refused, reset, DNS) a plain {@code IOException}.
     */
    static AiProviderException transport(String provider, Throwable failure) {
        IOException io = null;
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof InterruptedIOException) {
                // OkHttp's messages ("timeout", "Read timed out") hold neither key nor text: kept as cause
                return new AiProviderException(provider, AiProviderException.Failure.TIMEOUT, 0, null, null, failure);
            }
            if (io == null && t instanceof IOException e) {
                io = e;
            }
        }
        return io == null ? null
                : new AiProviderException(provider, AiProviderException.Failure.UNAVAILABLE, 0, null, null, failure);
    }
}
