package dev.pasarela.integrations.ai;

/**
 * What a customer's message (or conversation) is about.
 *
 * @param urgency    {@code alta}, {@code media} or {@code baja}
 * @param vehicle    the vehicle of interest when the customer names one, else null
 * @param confidence between 0 and 1
 * @param wantsHuman the customer asks for a person
 * @param method     {@code llm} (a chat model's structured answer) or {@code embeddings} (nearest labelled examples)
 * @param model      the model that decided
 */
public record LeadClassification(LeadIntent intent, String urgency, String vehicle, double confidence,
                                 boolean wantsHuman, String method, String model) {
}
