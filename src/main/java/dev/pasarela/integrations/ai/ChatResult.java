package dev.pasarela.integrations.ai;

/**
 * A provider's answer to a {@link ChatCall}.
 *
 * @param provider  {@code openai} or {@code anthropic}
 * @param model     the model that answered, as the provider names it
 * @param text      the answer: free text, or the JSON of a structured answer (OpenAI's message
 *                  content, Anthropic's forced tool input serialised)
 * @param truncated the answer hit the token limit ({@code finish_reason=length}, {@code stop_reason=max_tokens})
 * @param refused   the model refused (OpenAI's {@code refusal}, Anthropic's {@code stop_reason=refusal},
 *                  {@code finish_reason=content_filter})
 */
public record ChatResult(String provider, String model, String text, TokenUsage usage, boolean truncated,
                         boolean refused) {

    @Override
    public String toString() {
        return "ChatResult[" + provider + ", " + model + ", " + (text == null ? 0 : text.length()) + " chars, " + usage
                + (truncated ? ", truncated" : "") + (refused ? ", refused" : "") + "]";
    }
}
