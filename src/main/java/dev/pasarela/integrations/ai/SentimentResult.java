package dev.pasarela.integrations.ai;

/**
 * @param sentiment {@code positive}, {@code neutral} or {@code negative}
 * @param score     from -1 (very negative) to 1 (very positive)
 * @param reason    a short reason, in the message's language
 */
public record SentimentResult(String sentiment, double score, String reason, String model) {
}
