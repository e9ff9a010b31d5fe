package dev.pasarela.integrations.meta;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.pasarela.messaging.ChannelRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * A Messenger or Instagram message: the body of {@code POST /api/v1/{messenger|instagram}/messages}
 * and, without {@code to}, what is queued on {@code out.messenger} / {@code out.instagram}.
 *
 * @param to the contact's page-scoped id (PSID, IGSID), as received in their messages
 * @param type {@code text} (the default) or {@code image}
 * @param tag a message tag, needed outside the standard messaging window (see {@link MetaMessagingChannel})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record MetaMessagingRequest(
        @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
        @NotNull(message = "to must be the contact's page-scoped id (PSID or IGSID), as received in their messages.")
        @Pattern(regexp = "[0-9]{1,40}",
                message = "to must be the contact's page-scoped id (PSID or IGSID), as received in their messages.")
        String to,
        @Pattern(regexp = "text|image", message = "type must be text or image.")
        String type,
        @Valid Text text,
        @Valid Image image,
        String tag) implements ChannelRequest {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Text(String body) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Image(String link) {}
}
