package dev.pasarela.integrations.email;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.pasarela.messaging.ChannelRequest;
import dev.pasarela.messaging.OutboxResponses;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.Map;

/**
 * An email: the body of {@code POST /api/v1/email/messages} and, without {@code to}, what is
 * queued on {@code out.email}. A template with its data, or a subject and HTML (and a plain text).
 *
 * @param template a template id (whose provider, {@link EmailSender#template} tells: SendGrid's
 *                 {@code d-…}, else Resend's) or one of each, {@code {"sendgrid": "d-…", "resend": "…"}}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record EmailRequest(
        @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
        @NotNull(message = "to must be one email address.")
        @Pattern(regexp = "\\s*" + OutboxResponses.EMAIL_REGEX + "\\s*", message = "to must be one email address.")
        String to,
        String type,
        Object template,
        Map<String, Object> data,
        String subject,
        String html,
        String text) implements ChannelRequest {

    public EmailRequest {
        type = "email";
    }
}
