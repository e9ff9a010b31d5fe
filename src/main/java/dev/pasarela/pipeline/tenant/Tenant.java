package dev.pasarela.pipeline.tenant;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * A dealership using the SaaS. {@code identities} maps a provider to the tenant's id there
 * ({@code stripe → cus_…}, {@code whatsapp → phone_number_id}, {@code facebook → page id},
 * {@code instagram}, {@code twilio}, {@code email}); each one is also a routing index entry.
 * {@code revision} counts the provider events applied to the tenant.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Tenant(String id, String name, String plan, String timezone, Map<String, String> identities,
                    Subscription subscription, Long revision) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Subscription(String status, String provider, String externalId, String priceId, String plan,
                               String currentPeriodEnd, Boolean cancelAtPeriodEnd, String asOf,
                               Payment lastPayment) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Payment(String outcome, String invoiceId, Long amount, String currency, Long attemptCount,
                          String asOf) {}
}
