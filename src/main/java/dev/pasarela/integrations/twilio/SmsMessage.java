package dev.pasarela.integrations.twilio;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.pasarela.messaging.OutboxResponses;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** The body of {@code POST /api/v1/sms/messages}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SmsMessage(
        @NotNull(message = "to must be an E.164 number with '+' and the country code.")
        @Pattern(regexp = OutboxResponses.E164_REGEX, message = "to must be an E.164 number with '+' and the country code.")
        String to,
        @NotBlank(message = "body is required, at most 1600 characters (Twilio's limit).")
        @Size(max = SmsChannel.MAX_CHARACTERS, message = "body is required, at most 1600 characters (Twilio's limit).")
        String body,
        @Pattern(regexp = "https://.+", message = "mediaUrl must be an https URL.")
        String mediaUrl) {

    SmsRequest request() {
        return SmsRequest.text(body, mediaUrl);
    }
}
