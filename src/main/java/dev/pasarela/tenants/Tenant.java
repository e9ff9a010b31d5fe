package dev.pasarela.tenants;

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
                    Subscription subscription, Map<String, Subscription> subscriptions, Long revision,
                    String callbackUrl, Messaging messaging) {

    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    /** Tenant ids: 1-63 characters of a-z, 0-9 and '-', starting with a letter or digit. */
    public static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Subscription(String status, String provider, String externalId, String priceId, String plan,
                               String currentPeriodEnd, Boolean cancelAtPeriodEnd, String asOf, Long order,
                               String pastDueSince, Payment lastPayment) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Payment(String outcome, String invoiceId, Long amount, String currency, Long attemptCount,
                          String asOf) {}
}
