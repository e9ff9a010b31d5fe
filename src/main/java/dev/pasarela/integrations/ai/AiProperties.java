package dev.pasarela.integrations.ai;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import dev.pasarela.config.SelfChecking;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code pasarela.ai.*}: the two chat providers (OpenAI, Anthropic), the model settings of each use
 * case, the retries, breaker and pool every AI call shares, and the input limit. Keys are not here:
 * they come from the vault or {@code OPENAI_API_KEY} / {@code ANTHROPIC_API_KEY}.
 *
 * @param primary       {@code PASARELA_AI_PRIMARY}: the chat provider tried first when both have a key
 * @param failover      whether the other provider takes a call the first could not answer (429, 5xx, timeout)
 * @param maxInputChars the longest text a caller may send (413 beyond it)
 * @param autoReplyConcurrency consumers of {@code jobs.ai}: automatic replies drafted at once
 */
@Validated
@ConfigurationProperties("pasarela.ai")
public record AiProperties(
        @NotNull @Pattern(regexp = "openai|anthropic", message = "must be openai or anthropic (PASARELA_AI_PRIMARY)")
        @DefaultValue("openai") String primary,
        @DefaultValue("true") boolean failover,
        @Min(1) @Max(200_000) @DefaultValue("8000") int maxInputChars,
        @Valid @NotNull @DefaultValue OpenAi openai,
        @Valid @NotNull @DefaultValue Anthropic anthropic,
        @Valid @NotNull Map<UseCase, @Valid ModelSettings> useCases,
        @Valid @NotNull @DefaultValue Retry retry,
        @Valid @NotNull @DefaultValue Breaker breaker,
        @Valid @NotNull @DefaultValue Pool pool,
        @Min(1) @Max(64) @DefaultValue("2") int autoReplyConcurrency) implements SelfChecking {

    /** Every use case needs its models: a missing one would fail its first call instead of the start. */
    @Override
    public List<String> problems() {
        return java.util.Arrays.stream(UseCase.values()).filter(u -> useCases == null || !useCases.containsKey(u))
                .map(u -> "pasarela.ai.use-cases." + u.key() + " is missing (openai-model, anthropic-model, "
                        + "temperature, max-tokens, timeout)").toList();
    }

    /**
     * @param baseUrl          {@code OPENAI_BASE_URL}; tests point it at a stand-in
     * @param embeddingsModel  the model of {@code /v1/embeddings}
     * @param moderationModel  the model of {@code /v1/moderations}
     */
    public record OpenAi(@NotBlank @DefaultValue("https://api.openai.com/v1") String baseUrl,
                         @NotBlank @DefaultValue("text-embedding-3-small") String embeddingsModel,
                         @NotBlank @DefaultValue("omni-moderation-latest") String moderationModel,
                         @NotNull @DefaultValue("PT10S") Duration timeout) {
    }

    /**
     * @param baseUrl {@code ANTHROPIC_BASE_URL}; tests point it at a stand-in
     * @param version the {@code anthropic-version} header sent with every call
     */
    public record Anthropic(@NotBlank @DefaultValue("https://api.anthropic.com") String baseUrl,
                            @NotBlank @DefaultValue("2023-06-01") String version) {
    }

    /**
     * One use case's model settings.
     *
     * @param openaiModel    the OpenAI chat model
     * @param anthropicModel the Anthropic model
     * @param maxTokens      the most output tokens the model may write
     * @param timeout        how long one provider answer may take; slower is retried or fails over
     */
    public record ModelSettings(@NotBlank String openaiModel, @NotBlank String anthropicModel,
                                @NotNull @DecimalMin("0.0") @DecimalMax("2.0") Double temperature,
                                @NotNull @Min(1) @Max(32_000) Integer maxTokens,
                                @NotNull Duration timeout) {
    }

    /**
     * Retries of one provider before the other takes the call. A wait the provider asks for
     * ({@code Retry-After}, its reset headers) longer than {@code maxWait} is not waited: the call
     * fails over at once. {@code deadline} is the longest a caller waits for one call, every
     * attempt and the failover included (503 beyond it).
     */
    public record Retry(@Min(1) @Max(10) @DefaultValue("3") int maxAttempts,
                        @NotNull @DefaultValue("PT0.5S") Duration initialBackoff,
                        @NotNull @DefaultValue("PT10S") Duration maxWait,
                        @NotNull @DefaultValue("PT60S") Duration deadline) {
    }

    /** @param openFor how long a provider key failing half of its last 10 calls is skipped */
    public record Breaker(@NotNull @DefaultValue("PT30S") Duration openFor) {
    }

    /**
     * The bounded pool AI calls run on, so slow providers cannot hold every request thread: calls
     * beyond {@code threads + queue} are refused with a 503 at once.
     */
    public record Pool(@Min(1) @Max(256) @DefaultValue("8") int threads,
                       @Min(0) @Max(10_000) @DefaultValue("32") int queue) {
    }

    public ModelSettings settings(UseCase useCase) {
        ModelSettings s = useCases.get(useCase);
        if (s == null) {
            throw new IllegalStateException("pasarela.ai.use-cases." + useCase.key() + " is not configured");
        }
        return s;
    }
}
