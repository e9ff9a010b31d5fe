package dev.pasarela.integrations.ai;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One chat call as the gateway states it, whichever provider answers.
 *
 * @param system       the instructions (OpenAI's system message, Anthropic's top-level {@code system})
 * @param turns        the conversation, oldest first, starting with the user
 * @param output       a JSON schema the answer must follow, or null for free text
 * @param model        the provider's model name
 * @param temperature  0 for classification, higher for writing
 * @param maxTokens    the most output tokens
 * @param timeout      how long the provider may take to answer
 */
public record ChatCall(String system, List<Turn> turns, StructuredOutput output, String model,
                       double temperature, int maxTokens, Duration timeout) {

    public ChatCall {
        turns = List.copyOf(turns);
    }

    public enum Role { USER, ASSISTANT }

    public record Turn(Role role, String text) {
        public static Turn user(String text) {
            return new Turn(Role.USER, text);
        }

        public static Turn assistant(String text) {
            return new Turn(Role.ASSISTANT, text);
        }

        @Override
        public String toString() {
            return "Turn[" + role + ", " + (text == null ? 0 : text.length()) + " chars]"; // texts are personal data
        }
    }

    /**
     * A JSON schema for a structured answer: OpenAI's {@code response_format} json_schema (strict),
     * Anthropic's forced tool whose {@code input_schema} it is.
     *
     * @param name   the schema's (or tool's) name, {@code [a-zA-Z0-9_-]+}
     * @param schema the JSON schema: an object whose properties are all required, no additional ones
     */
    public record StructuredOutput(String name, Map<String, Object> schema) {
    }

    @Override
    public String toString() {
        return "ChatCall[" + model + ", " + turns.size() + " turns, output=" + (output == null ? "text" : output.name()) + "]";
    }
}
