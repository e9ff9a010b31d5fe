package dev.pasarela.integrations.ai;

import com.openai.core.JsonValue;
import com.openai.core.RequestOptions;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import org.springframework.stereotype.Component;

/** OpenAI's chat completions ({@code POST /v1/chat/completions}) behind {@link ChatProvider}. */
@Component
public class OpenAiChat implements ChatProvider {

    private final AiClients clients;
    private final OpenAiFailures failures;

    public OpenAiChat(AiClients clients, OpenAiFailures failures) {
        this.clients = clients;
        this.failures = failures;
    }

    @Override
    public String name() {
        return OpenAiFailures.PROVIDER;
    }

    @Override
    public ChatResult chat(String apiKey, ChatCall call) {
        ChatCompletionCreateParams params = params(call);
        try {
            ChatCompletion completion = clients.openAi(apiKey).chat().completions()
                    .create(params, RequestOptions.builder().timeout(call.timeout()).build());
            return result(completion);
        } catch (RuntimeException e) {
            throw failures.classify(e);
        }
    }

    static ChatCompletionCreateParams params(ChatCall call) {
        ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder()
                .model(call.model())
                .temperature(call.temperature())
                .maxCompletionTokens(call.maxTokens());
        if (call.system() != null && !call.system().isBlank()) {
            params.addSystemMessage(call.system());
        }
        for (ChatCall.Turn turn : call.turns()) {
            switch (turn.role()) {
                case USER -> params.addUserMessage(turn.text());
                case ASSISTANT -> params.addAssistantMessage(turn.text());
            }
        }
        if (call.output() != null) {
            // strict: the model's answer is held to the schema (all properties required, none extra)
            params.responseFormat(ResponseFormatJsonSchema.builder()
                    .jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                            .name(call.output().name())
                            .strict(true)
                            .schema(JsonValue.from(call.output().schema())
                                    .convert(ResponseFormatJsonSchema.JsonSchema.Schema.class))
                            .build())
                    .build());
        }
        return params.build();
    }

    private static ChatResult result(ChatCompletion completion) {
        if (completion.choices().isEmpty()) {
            throw new AiProviderException(OpenAiFailures.PROVIDER, AiProviderException.Failure.UNAVAILABLE, 0,
                    "invalid_response", null, null);
        }
        ChatCompletion.Choice choice = completion.choices().get(0);
        ChatCompletionMessage message = choice.message();
        ChatCompletion.Choice.FinishReason finish = choice.finishReason();
        TokenUsage usage = completion.usage()
                .map(u -> new TokenUsage(u.promptTokens(), u.completionTokens()))
                .orElse(TokenUsage.NONE);
        return new ChatResult(OpenAiFailures.PROVIDER, completion.model(), message.content().orElse(null), usage,
                ChatCompletion.Choice.FinishReason.LENGTH.equals(finish),
                message.refusal().isPresent() || ChatCompletion.Choice.FinishReason.CONTENT_FILTER.equals(finish));
    }
}
