package dev.pasarela.integrations.ai;

import java.util.List;

/**
 * Vectors for texts, in the order given. Vectors of different models are not comparable, so the
 * model travels with them.
 */
public record Embeddings(String provider, String model, List<float[]> vectors, TokenUsage usage) {

    public int dimensions() {
        return vectors.isEmpty() ? 0 : vectors.get(0).length;
    }

    @Override
    public String toString() {
        return "Embeddings[" + provider + ", " + model + ", " + vectors.size() + " x " + dimensions() + "]";
    }
}
