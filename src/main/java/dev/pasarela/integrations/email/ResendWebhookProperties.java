package dev.pasarela.integrations.email;

import dev.pasarela.config.SelfChecking;
import jakarta.validation.constraints.Positive;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Resend's webhooks (Svix): the endpoint's signing secret ({@code RESEND_WEBHOOK_SECRET}, whsec_…;
 * none: Resend events are refused) and the timestamp tolerance.
 */
@ConfigurationProperties("pasarela.resend")
public record ResendWebhookProperties(@DefaultValue("") String webhookSecret,
                                      @DefaultValue("300") @Positive long toleranceSeconds) implements SelfChecking {

    @Override
    public List<String> problems() {
        try {
            if (!webhookSecret.isBlank()) {
                ResendSignatureVerifier.decode(webhookSecret.trim());
            }
            return List.of();
        } catch (IllegalStateException e) {
            return List.of(e.getMessage()); // names the variable and the format, not the value
        }
    }
}
