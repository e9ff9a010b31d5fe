package dev.pasarela.integrations.ai;

import com.openai.core.http.Headers;
import com.openai.errors.OpenAIInvalidDataException;
import com.openai.errors.OpenAIServiceException;
import dev.pasarela.integrations.ai.AiProviderException.Failure;
import java.time.Clock;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

/**
 * What an openai-java exception means for the gateway. The SDK's own exception is never kept as
 * the cause of an HTTP error: its message is the body's {@code error.message}, which echoes input
 * and, for a wrong key, part of the key ("Incorrect API key provided: sk-...").
 */
@Component
public class OpenAiFailures {

    static final String PROVIDER = "openai";

    private final Clock clock;

    public OpenAiFailures(Clock clock) {
        this.clock = clock;
    }

    /** The failure as an {@link AiProviderException}; a programming error (not the provider's) is returned as is. */
    public RuntimeException classify(RuntimeException failure) {
        if (failure instanceof OpenAIServiceException e) {
            return answered(e);
        }
        if (failure instanceof OpenAIInvalidDataException) {
            // a 2xx we cannot read; Jackson's message in its cause can quote the body, so no cause
            return new AiProviderException(PROVIDER, Failure.UNAVAILABLE, 0, "invalid_response", null, null);
        }
        AiProviderException transport = ProviderFailures.transport(PROVIDER, failure);
        return transport != null ? transport : failure;
    }

    private AiProviderException answered(OpenAIServiceException e) {
        int status = e.statusCode();
        String type = e.type().orElse(null);
        String code = e.code().orElse(null);
        // the code is the more precise of the two: insufficient_quota, invalid_api_key, rate_limit_exceeded
        String errorType = ProviderFailures.errorType(code != null && !code.isBlank() ? code : type);
        Failure failure = switch (status) {
            case 429 -> "insufficient_quota".equals(code) || "insufficient_quota".equals(type)
                    ? Failure.BILLING : Failure.RATE_LIMITED;
            case 401, 403 -> Failure.UNAUTHORIZED;
            case 408 -> Failure.TIMEOUT;
            case 409 -> Failure.UNAVAILABLE; // a conflict the SDK itself would retry
            default -> status >= 500 ? Failure.UNAVAILABLE : Failure.REJECTED;
        };
        return new AiProviderException(PROVIDER, failure, status, errorType,
                RateLimitHeaders.openAi(spring(e.headers()), clock), null);
    }

    private static HttpHeaders spring(Headers headers) {
        HttpHeaders spring = new HttpHeaders();
        headers.names().forEach(name -> spring.addAll(name, headers.values(name)));
        return spring;
    }
}
