package dev.pasarela.integrations.twilio;

import dev.pasarela.config.SelfChecking;
import java.util.Arrays;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Twilio's webhooks: the platform account's auth tokens that sign {@code X-Twilio-Signature}
 * ({@code TWILIO_AUTH_TOKEN}, two comma-separated during a rotation; sub-accounts' come from the
 * vault) and the public URL Twilio calls when a proxy is in front ({@code PASARELA_TWILIO_PUBLIC_BASE_URL}).
 */
@ConfigurationProperties("pasarela.twilio")
public record TwilioWebhookProperties(@DefaultValue("") String authToken, @DefaultValue("") String publicBaseUrl)
        implements SelfChecking {

    public List<String> authTokens() {
        return Arrays.stream(authToken.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    @Override
    public List<String> problems() {
        String url = publicBaseUrl.trim().replaceAll("/+$", "");
        return url.isEmpty() || url.matches("https?://[^/?#]+(/[^?#]*)?") ? List.of()
                : List.of("PASARELA_TWILIO_PUBLIC_BASE_URL (pasarela.twilio.public-base-url): must be an http(s) URL"
                        + " without query, e.g. https://gateway.example.com");
    }
}
