package dev.pasarela.integrations.stripe;

import dev.pasarela.config.SelfChecking;
import jakarta.validation.constraints.Positive;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Stripe: the webhook endpoint's signing secrets ({@code STRIPE_WEBHOOK_SECRET}, several
 * comma-separated during a rotation), and billing with the platform's key
 * ({@code STRIPE_SECRET_KEY}; without it the billing endpoints answer 503).
 */
@ConfigurationProperties("pasarela.stripe")
public record StripeProperties(@DefaultValue("") String webhookSecret,
                               @DefaultValue("300") @Positive long toleranceSeconds,
                               @DefaultValue("") String secretKey,
                               @DefaultValue("https://api.stripe.com") URI apiBase,
                               @DefaultValue("") String portalReturnUrl,
                               @DefaultValue("") String checkoutSuccessUrl,
                               @DefaultValue("") String checkoutCancelUrl,
                               @DefaultValue("") List<String> allowedReturnUrlPrefixes) implements SelfChecking {

    public List<String> webhookSecrets() {
        return webhookSecrets(webhookSecret);
    }

    /** The comma-separated secrets of {@code STRIPE_WEBHOOK_SECRET}, blanks dropped. */
    static List<String> webhookSecrets(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    @Override
    public List<String> problems() {
        return secretProblems(webhookSecrets());
    }

    /** What is wrong with the signing secrets, naming the variable and never a value. */
    static List<String> secretProblems(List<String> secrets) {
        if (secrets.isEmpty()) {
            return List.of("STRIPE_WEBHOOK_SECRET (pasarela.stripe.webhook-secret): not set; it is the endpoint's"
                    + " signing secret (whsec_…), several comma-separated during a rotation");
        }
        if (secrets.stream().anyMatch(s -> !s.startsWith("whsec_"))) {
            return List.of("STRIPE_WEBHOOK_SECRET (pasarela.stripe.webhook-secret): malformed; each secret starts"
                    + " with whsec_");
        }
        return List.of();
    }
}
