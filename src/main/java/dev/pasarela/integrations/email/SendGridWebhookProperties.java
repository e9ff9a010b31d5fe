package dev.pasarela.integrations.email;

import dev.pasarela.config.SelfChecking;
import jakarta.validation.constraints.Positive;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * SendGrid's Event Webhook: its verification key ({@code SENDGRID_WEBHOOK_PUBLIC_KEY}, base64 DER as
 * SendGrid shows it; none: SendGrid events are refused) and the timestamp tolerance.
 */
@ConfigurationProperties("pasarela.sendgrid")
public record SendGridWebhookProperties(@DefaultValue("") String webhookPublicKey,
                                        @DefaultValue("300") @Positive long toleranceSeconds) implements SelfChecking {

    @Override
    public List<String> problems() {
        try {
            if (!webhookPublicKey.isBlank()) {
                SendGridSignatureVerifier.parse(webhookPublicKey.trim());
            }
            return List.of();
        } catch (IllegalStateException e) {
            return List.of(e.getMessage()); // names the variable and the format, not the value
        }
    }
}
