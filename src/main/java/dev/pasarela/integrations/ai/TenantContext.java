package dev.pasarela.integrations.ai;

import java.util.List;

/**
 * What a tenant tells the model about itself for automatic replies: who it is, when and where it
 * opens, its frequent questions and a summary of its stock. Never a customer's data.
 */
public record TenantContext(String businessName, String openingHours, String address, List<Faq> faq,
                            String inventorySummary) {

    public TenantContext {
        faq = faq == null ? List.of() : List.copyOf(faq);
    }

    public record Faq(String question, String answer) {
    }
}
