package dev.pasarela.integrations.twilio;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Twilio's REST API as the SMS sender calls it ({@code pasarela.twilio.*}; the webhook's auth token
 * and public URL are read where signatures are checked).
 *
 * @param apiBase        {@code TWILIO_API_BASE}; tests point it at a stand-in
 * @param timeout        how long one Twilio answer may take
 * @param connectTimeout how long connecting to Twilio may take
 */
@Validated
@ConfigurationProperties("pasarela.twilio")
public record TwilioProperties(
        @NotBlank @DefaultValue("https://api.twilio.com") String apiBase,
        @NotNull @DefaultValue("PT15S") Duration timeout,
        @NotNull @DefaultValue("PT5S") Duration connectTimeout) {
}
