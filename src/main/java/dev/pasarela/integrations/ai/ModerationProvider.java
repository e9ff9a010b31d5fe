package dev.pasarela.integrations.ai;

/**
 * Content moderation: OpenAI's {@code /v1/moderations} ({@code omni-moderation-latest}, 13
 * categories with scores). Anthropic has no moderation endpoint.
 */
public interface ModerationProvider {

    String name();

    Moderation moderate(String apiKey, String text);
}
