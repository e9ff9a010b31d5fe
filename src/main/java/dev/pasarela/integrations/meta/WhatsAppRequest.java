package dev.pasarela.integrations.meta;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.pasarela.messaging.ChannelRequest;
import dev.pasarela.messaging.OutboxResponses;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;

/**
 * A WhatsApp message: the body of {@code POST /api/v1/whatsapp/messages} and, without {@code to}
 * (read from the body, never written: the recipient is the message's own field), what is queued
 * on {@code out.whatsapp}. One of {@code text}, {@code template}, {@code image}, {@code document}
 * as {@code type} says.
 *
 * @param replyTo the wamid of the contact's message this one answers
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record WhatsAppRequest(
        @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
        @NotNull(message = "to must be an E.164 number with '+' and the country code, such as +5215512345678.")
        @Pattern(regexp = OutboxResponses.E164_REGEX,
                message = "to must be an E.164 number with '+' and the country code, such as +5215512345678.")
        String to,
        @NotNull(message = "type must be text, template, image or document.")
        @Pattern(regexp = "text|template|image|document", message = "type must be text, template, image or document.")
        String type,
        @Valid Text text,
        @Valid Template template,
        @Valid Media image,
        @Valid Media document,
        String replyTo) implements ChannelRequest {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Text(String body, Boolean previewUrl) {}

    /** @param components as in Meta's template message (header, body and button parameters) */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Template(String name, String language, List<Object> components) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Media(String link, String caption, String filename) {}

    public static WhatsAppRequest text(String body) {
        return new WhatsAppRequest(null, "text", new Text(body, null), null, null, null, null);
    }

    public static WhatsAppRequest template(Template template) {
        return new WhatsAppRequest(null, "template", null, template, null, null, null);
    }
}
