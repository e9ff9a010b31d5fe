package dev.pasarela.integrations.ai;

import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * A provider call that got no HTTP answer. Both SDKs wrap OkHttp's {@link IOException} in their own
 * ({@code OpenAIIoException}, {@code AnthropicIoException}, message "Request failed"); a call or
 * read timeout is an {@link InterruptedIOException} ({@code SocketTimeoutException} is one) in that
 * chain, anything else (refused, reset, DNS) a plain {@code IOException}.
 */
final class TransportFailures {

    private TransportFailures() {}

    /** TIMEOUT or UNAVAILABLE when the chain holds an IOException, else null (not a transport failure). */
    static AiProviderException classify(String provider, Throwable failure) {
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
