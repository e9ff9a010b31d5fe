package dev.pasarela.integrations.ai;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What an AI call is for: each has its own models, temperature, token limit and timeout. */
public enum UseCase {
    GENERATE("generate"),
    CLASSIFY_LEAD("classify-lead"),
    SENTIMENT("sentiment"),
    REPLY("reply"),
    /** Moderation by a chat model, for a tenant with only an Anthropic key (Anthropic has no moderation endpoint). */
    MODERATE("moderate");

    private final String key;

    UseCase(String key) {
        this.key = key;
    }

    /** The name in configuration ({@code pasarela.ai.use-cases.<key>}), metrics and usage. */
    public String key() {
        return key;
    }

    public static String allowed() {
        return Arrays.stream(values()).map(UseCase::key).collect(Collectors.joining(", "));
    }
}
