package dev.pasarela.integrations.ai;

import java.util.List;

/**
 * Text embeddings: OpenAI's {@code /v1/embeddings} with a key, the in-process model without one.
 * Anthropic has no embeddings endpoint, so it has no adapter here.
 */
public interface EmbeddingProvider {

    /** {@code openai} or {@code local}. */
    String name();

    /** Whether it needs an API key ({@link #embed} is then given one). */
    boolean needsKey();

    /** The model its vectors come from. */
    String model();

    Embeddings embed(String apiKey, List<String> texts);
}
