package dev.pasarela.integrations.ai;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

/**
 * The structured answers the models are asked for: each a JSON schema sent to the provider
 * (OpenAI's strict json_schema, Anthropic's forced tool) and a record the answer is bound to and
 * validated as, because a provider's schema mode is a request, not a guarantee.
 */
final class AiAnswers {

    private AiAnswers() {
    }

    static final List<String> URGENCIES = List.of("alta", "media", "baja");
    static final List<String> SENTIMENTS = List.of("positive", "neutral", "negative");
    static final List<String> MODERATION_CATEGORIES = List.of("harassment", "harassment/threatening", "hate",
            "hate/threatening", "illicit", "illicit/violent", "self-harm", "self-harm/instructions", "self-harm/intent",
            "sexual", "sexual/minors", "violence", "violence/graphic");

    record Classification(
            @NotNull @Pattern(regexp = "compra|financiacion|tasacion|cita|posventa|otro") String intent,
            @NotNull @Pattern(regexp = "alta|media|baja") String urgency,
            @Size(max = 200) String vehicle,
            @NotNull @DecimalMin("0.0") @DecimalMax("1.0") Double confidence,
            @NotNull Boolean wantsHuman) {
    }

    record Sentiment(@NotNull @Pattern(regexp = "positive|neutral|negative") String sentiment,
                     @NotNull @DecimalMin("-1.0") @DecimalMax("1.0") Double score,
                     @NotBlank @Size(max = 500) String reason) {
    }

    record Reply(@Size(max = 2000) String reply, @NotNull Boolean handoff, @Size(max = 300) String reason) {
    }

    record ModerationVerdict(@NotNull Boolean flagged, @NotNull List<@Pattern(regexp =
            "harassment|harassment/threatening|hate|hate/threatening|illicit|illicit/violent|self-harm|"
                    + "self-harm/instructions|self-harm/intent|sexual|sexual/minors|violence|violence/graphic") String> categories) {
    }

    static final ChatCall.StructuredOutput CLASSIFICATION = new ChatCall.StructuredOutput("lead_classification",
            object(Map.of(
                    "intent", Map.of("type", "string", "enum", LeadIntent.labels()),
                    "urgency", Map.of("type", "string", "enum", URGENCIES),
                    "vehicle", Map.of("type", List.of("string", "null"),
                            "description", "el vehículo que el cliente nombra (marca y modelo), o null"),
                    "confidence", Map.of("type", "number", "description", "de 0 a 1"),
                    "wantsHuman", Map.of("type", "boolean",
                            "description", "true si el cliente pide hablar con una persona")),
                    List.of("intent", "urgency", "vehicle", "confidence", "wantsHuman")));

    static final ChatCall.StructuredOutput SENTIMENT = new ChatCall.StructuredOutput("sentiment",
            object(Map.of(
                    "sentiment", Map.of("type", "string", "enum", SENTIMENTS),
                    "score", Map.of("type", "number", "description", "de -1 (muy negativo) a 1 (muy positivo)"),
                    "reason", Map.of("type", "string", "description", "una frase, en el idioma del mensaje")),
                    List.of("sentiment", "score", "reason")));

    static final ChatCall.StructuredOutput REPLY = new ChatCall.StructuredOutput("auto_reply",
            object(Map.of(
                    "reply", Map.of("type", List.of("string", "null"), "description", "la respuesta al cliente, o null"),
                    "handoff", Map.of("type", "boolean",
                            "description", "true si debe contestar una persona del concesionario"),
                    "reason", Map.of("type", List.of("string", "null"), "description", "por qué se pasa a una persona")),
                    List.of("reply", "handoff", "reason")));

    static final ChatCall.StructuredOutput MODERATION = new ChatCall.StructuredOutput("moderation",
            object(Map.of(
                    "flagged", Map.of("type", "boolean"),
                    "categories", Map.of("type", "array", "items", Map.of("type", "string", "enum", MODERATION_CATEGORIES))),
                    List.of("flagged", "categories")));

    /** Strict mode's rules: every property required, no others. */
    private static Map<String, Object> object(Map<String, Object> properties, List<String> order) {
        return Map.of("type", "object", "properties", properties, "required", order, "additionalProperties", false);
    }
}
