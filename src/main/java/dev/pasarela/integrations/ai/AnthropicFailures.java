package dev.pasarela.integrations.ai;

import com.anthropic.core.http.Headers;
import com.anthropic.errors.AnthropicInvalidDataException;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.ErrorType;
import dev.pasarela.integrations.ai.AiProviderException.Failure;
import java.time.Clock;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

/**
 * What an anthropic-java exception means for the gateway. The SDK's own exception is never kept as
 * the cause of an HTTP error: its message is the whole error body, whose {@code message} can echo input.
 */
@Component
public class AnthropicFailures {

    static final String PROVIDER = "anthropic";

    private final Clock clock;

    public AnthropicFailures(Clock clock) {
        this.clock = clock;
    }

    /** The failure as an {@link AiProviderException}; a programming error (not the provider's) is returned as is. */
    public RuntimeException classify(RuntimeException failure) {
        if (failure instanceof AnthropicServiceException e) {
            return answered(e);
        }
        if (failure instanceof AnthropicInvalidDataException) {
            return new AiProviderException(PROVIDER, Failure.UNAVAILABLE, 0, "invalid_response", null, null);
        }
        AiProviderException transport = ProviderFailures.transport(PROVIDER, failure);
        return transport != null ? transport : failure;
    }

    private AiProviderException answered(AnthropicServiceException e) {
        int status = e.statusCode();
        String type = e.type().map(ErrorType::asString).orElse(null);
        // error.details.error_code (enforced_spend_limit_reached…) is the more precise when present
        String code = e.errorCode().orElse(null);
        boolean spendCap = "enforced_spend_limit_reached".equals(code);
        Failure failure = status == 402 || spendCap || "billing_error".equals(type) ? Failure.BILLING
                : switch (status) {
                    case 401, 403 -> Failure.UNAUTHORIZED;
                    case 429 -> Failure.RATE_LIMITED;
                    case 408 -> Failure.TIMEOUT;
                    case 409 -> Failure.UNAVAILABLE; // a conflict the SDK itself would retry
                    // 500 api_error, 504 timeout_error, 529 overloaded_error: the API's trouble, not ours
                    default -> status >= 500 ? Failure.UNAVAILABLE : Failure.REJECTED;
                };
        return new AiProviderException(PROVIDER, failure, status,
                ProviderFailures.errorType(code != null && !code.isBlank() ? code : type),
                RateLimitHeaders.anthropic(spring(e.headers()), clock), null);
    }

    private static HttpHeaders spring(Headers headers) {
        HttpHeaders spring = new HttpHeaders();
        headers.names().forEach(name -> spring.addAll(name, headers.values(name)));
        return spring;
    }
}
