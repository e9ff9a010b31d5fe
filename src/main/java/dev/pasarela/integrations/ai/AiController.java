package dev.pasarela.integrations.ai;

import dev.pasarela.api.ApiCaller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/ai/…}: the AI use cases for internal systems. Authenticated and rate-limited like
 * every {@code /api/**} call (the plan's {@code ai} rate); tokens are charged by {@link AiUseCases}.
 * Texts are bounded by {@code pasarela.ai.max-input-chars} (413 beyond it).
 */
@RestController
public class AiController {

    private final AiAssistant ai;

    public AiController(AiAssistant ai) {
        this.ai = ai;
    }

    /** A text to analyse. Its size limit is configuration, so it is checked by the use case (413). */
    public record TextRequest(@NotBlank String text) {
    }

    /** One message of a conversation: {@code customer} or {@code dealer}. */
    public record ConversationMessage(@NotNull Side from, @NotBlank String text) {
    }

    public enum Side {
        CUSTOMER, DEALER;

        @com.fasterxml.jackson.annotation.JsonValue
        @Override
        public String toString() {
            return name().toLowerCase();
        }
    }

    /**
     * {@code text} (one customer message) or {@code messages} (a conversation, oldest first): the
     * customer's last message is classified in the light of the rest.
     */
    public record ClassifyRequest(String text, @Size(max = 50) List<@Valid @NotNull ConversationMessage> messages) {

        @jakarta.validation.constraints.AssertTrue(message = "text or messages is required, not both")
        public boolean isOneGiven() {
            boolean hasText = text != null && !text.isBlank();
            boolean hasMessages = messages != null && !messages.isEmpty();
            return hasText ^ hasMessages;
        }

        List<ChatCall.Turn> turns() {
            if (messages == null || messages.isEmpty()) {
                return List.of(ChatCall.Turn.user(text));
            }
            return messages.stream().map(m -> m.from() == Side.CUSTOMER ? ChatCall.Turn.user(m.text())
                    : ChatCall.Turn.assistant(m.text())).toList();
        }
    }

    public record EmbeddingsRequest(@NotEmpty @Size(max = 100) List<@NotBlank String> input) {
    }

    @PostMapping("/api/v1/ai/generate")
    Map<String, Object> generate(@Valid @RequestBody GenerateRequest request) {
        AiAssistant.Generated g = ai.generate(ApiCaller.current().tenantId(), request);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kind", request.kind());
        out.put("language", request.language());
        out.put("tone", request.tone());
        out.put("text", g.text());
        out.put("truncated", g.truncated()); // cut at pasarela.ai.use-cases.generate.max-tokens
        out.put("model", g.model());
        return out;
    }

    @PostMapping("/api/v1/ai/classify-lead")
    LeadClassification classify(@Valid @RequestBody ClassifyRequest request) {
        String tenantId = ApiCaller.current().tenantId();
        try {
            return ai.classifyLead(tenantId, request.turns());
        } catch (dev.pasarela.api.ProblemException e) {
            if (!"ai-unavailable".equals(e.type())) {
                throw e;
            }
            // no provider answers now: the in-process method still classifies (method "embeddings" says so)
            return ai.classifyLeadLocally(tenantId, request.turns());
        }
    }

    @PostMapping("/api/v1/ai/sentiment")
    SentimentResult sentiment(@Valid @RequestBody TextRequest request) {
        return ai.sentiment(ApiCaller.current().tenantId(), request.text());
    }

    @PostMapping("/api/v1/ai/moderate")
    Map<String, Object> moderate(@Valid @RequestBody TextRequest request) {
        Moderation m = ai.moderate(ApiCaller.current().tenantId(), request.text());
        Map<String, Object> categories = new LinkedHashMap<>();
        m.categories().forEach((name, flagged) -> categories.put(name,
                Map.of("flagged", flagged, "score", m.scores().getOrDefault(name, 0.0))));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("flagged", m.flagged());
        out.put("categories", categories);
        out.put("provider", m.provider());
        out.put("model", m.model());
        return out;
    }

    @PostMapping("/api/v1/ai/embeddings")
    Map<String, Object> embeddings(@Valid @RequestBody EmbeddingsRequest request) {
        Embeddings e = ai.embed(ApiCaller.current().tenantId(), request.input());
        List<Map<String, Object>> data = new java.util.ArrayList<>();
        for (int i = 0; i < e.vectors().size(); i++) {
            data.add(Map.of("index", i, "embedding", e.vectors().get(i)));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("provider", e.provider());
        out.put("model", e.model());
        out.put("dimensions", e.dimensions());
        out.put("data", data);
        out.put("usage", Map.of("inputTokens", e.usage().input()));
        return out;
    }
}
