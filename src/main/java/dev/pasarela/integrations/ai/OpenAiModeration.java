package dev.pasarela.integrations.ai;

import com.openai.core.JsonField;
import com.openai.core.JsonValue;
import com.openai.core.RequestOptions;
import com.openai.models.moderations.ModerationCreateParams;
import com.openai.models.moderations.ModerationCreateResponse;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * OpenAI's {@code POST /v1/moderations} ({@code omni-moderation-latest} by default) behind
 * {@link ModerationProvider}: every category with its flag and score, under the API's own names
 * ({@code harassment/threatening}, {@code self-harm/intent}…).
 */
@Component
public class OpenAiModeration implements ModerationProvider {

    private final AiClients clients;
    private final OpenAiFailures failures;
    private final AiProperties properties;

    public OpenAiModeration(AiClients clients, OpenAiFailures failures, AiProperties properties) {
        this.clients = clients;
        this.failures = failures;
        this.properties = properties;
    }

    @Override
    public String name() {
        return OpenAiFailures.PROVIDER;
    }

    @Override
    public Moderation moderate(String apiKey, String text) {
        ModerationCreateParams params = ModerationCreateParams.builder()
                .model(properties.openai().moderationModel())
                .input(text)
                .build();
        try {
            ModerationCreateResponse response = clients.openAi(apiKey).moderations()
                    .create(params, RequestOptions.builder().timeout(properties.openai().timeout()).build());
            if (response.results().isEmpty()) {
                throw new AiProviderException(name(), AiProviderException.Failure.UNAVAILABLE, 0, "invalid_response",
                        null, null);
            }
            com.openai.models.moderations.Moderation result = response.results().get(0);
            return new Moderation(name(), response.model(), result.flagged(),
                    flags(JsonValue.from(result.categories())), scores(JsonValue.from(result.categoryScores())));
        } catch (RuntimeException e) {
            throw failures.classify(e);
        }
    }

    // Read from the SDK's JSON of the object rather than its 13 typed getters: a category OpenAI adds
    // later arrives as one of its additional properties and is kept, under the API's name.
    private static Map<String, Boolean> flags(JsonValue categories) {
        Map<String, Boolean> flags = new LinkedHashMap<>();
        fields(categories).forEach((name, value) ->
                ((JsonField<?>) value).asBoolean().ifPresent(flag -> flags.put(name, flag)));
        return Collections.unmodifiableMap(flags);
    }

    /** Kotlin's {@code JsonField<Nothing>} makes JsonValue a raw type in Java: read it through a wildcard. */
    private static Map<String, JsonValue> fields(JsonField<?> object) {
        return object.asObject().orElse(Map.of());
    }

    private static Map<String, Double> scores(JsonValue categoryScores) {
        Map<String, Double> scores = new LinkedHashMap<>();
        fields(categoryScores).forEach((name, value) ->
                ((JsonField<?>) value).asNumber().ifPresent(score -> scores.put(name, score.doubleValue())));
        return Collections.unmodifiableMap(scores);
    }
}
