package dev.pasarela.integrations.ai;

import java.util.Map;

/**
 * A moderation verdict on one text.
 *
 * @param categories every category the provider knows, whether it flagged it
 * @param scores     each category's score between 0 and 1
 */
public record Moderation(String provider, String model, boolean flagged, Map<String, Boolean> categories,
                         Map<String, Double> scores) {
}
