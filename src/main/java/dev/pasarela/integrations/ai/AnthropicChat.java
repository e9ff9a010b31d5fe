package dev.pasarela.integrations.ai;

import com.anthropic.core.JsonValue;
import com.anthropic.core.RequestOptions;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.TextBlock;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolChoiceTool;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Anthropic's Messages API ({@code POST /v1/messages}) behind {@link ChatProvider}. A structured
 * answer is asked for the way Anthropic documents it: one tool whose {@code input_schema} is the
 * schema, forced with {@code tool_choice}; the tool's input is the answer.
 */
@Component
public class AnthropicChat implements ChatProvider {

    private final AiClients clients;
    private final AnthropicFailures failures;
    private final ObjectMapper json;

    public AnthropicChat(AiClients clients, AnthropicFailures failures, ObjectMapper json) {
        this.clients = clients;
        this.failures = failures;
        this.json = json;
    }

    @Override
    public String name() {
        return AnthropicFailures.PROVIDER;
    }

    @Override
    public ChatResult chat(String apiKey, ChatCall call) {
        MessageCreateParams params = params(call);
        try {
            Message message = clients.anthropic(apiKey).messages()
                    .create(params, RequestOptions.builder().timeout(call.timeout()).build());
            return result(message, call);
        } catch (RuntimeException e) {
            throw failures.classify(e);
        }
    }

    static MessageCreateParams params(ChatCall call) {
        MessageCreateParams.Builder params = MessageCreateParams.builder()
                .model(call.model())
                .maxTokens(call.maxTokens())
                // anthropic-java 3.14.0 has no typed temperature (it left the SDK's params); the API
                // at our pinned anthropic-version still takes it, so it goes as a raw body field
                .putAdditionalBodyProperty("temperature", JsonValue.from(call.temperature()));
        if (call.system() != null && !call.system().isBlank()) {
            params.system(call.system());
        }
        for (ChatCall.Turn turn : call.turns()) {
            switch (turn.role()) {
                case USER -> params.addUserMessage(turn.text());
                case ASSISTANT -> params.addAssistantMessage(turn.text());
            }
        }
        if (call.output() != null) {
            params.addTool(Tool.builder()
                    .name(call.output().name())
                    .inputSchema(JsonValue.from(call.output().schema()).convert(Tool.InputSchema.class))
                    .build());
            params.toolChoice(ToolChoiceTool.builder().name(call.output().name()).build());
        }
        return params.build();
    }

    private ChatResult result(Message message, ChatCall call) {
        Optional<StopReason> stop = message.stopReason();
        String text = call.output() == null ? text(message) : toolInput(message).orElseGet(() -> text(message));
        return new ChatResult(AnthropicFailures.PROVIDER, message.model().asString(), text,
                new TokenUsage(message.usage().inputTokens(), message.usage().outputTokens()),
                stop.filter(StopReason.MAX_TOKENS::equals).isPresent(),
                stop.filter(StopReason.REFUSAL::equals).isPresent());
    }

    private static String text(Message message) {
        return message.content().stream().flatMap(block -> block.text().stream())
                .map(TextBlock::text).collect(Collectors.joining());
    }

    /**
     * The forced tool's input as JSON: the one tool offered, forced by {@code tool_choice}, so the
     * first tool_use block. Empty when the model wrote none (a refusal, say): its text is returned.
     */
    private Optional<String> toolInput(Message message) {
        return message.content().stream().flatMap(block -> block.toolUse().stream())
                .findFirst()
                .map(ToolUseBlock::_input)
                .map(input -> {
                    try {
                        return json.writeValueAsString(input.convert(Object.class));
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException("a parsed tool input is always JSON", e);
                    }
                });
    }
}
