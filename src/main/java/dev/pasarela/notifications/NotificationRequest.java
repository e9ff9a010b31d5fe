package dev.pasarela.notifications;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /api/v1/notifications}, and the notification a reminder stores to send
 * when it fires. The rules that need the tenant (its contacts, channels, texts) are checked by
 * {@link NotificationRequests}.
 *
 * @param channels the channels to try, in order; else the tenant's policy, else the gateway's
 * @param message words of this notification only, instead of the kind's texts
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record NotificationRequest(
        @NotNull(message = "kind must be one of " + NotificationRequest.KINDS_LISTED + ".")
        @Pattern(regexp = NotificationRequest.KINDS, message = "kind must be one of " + NotificationRequest.KINDS_LISTED + ".")
        String kind,
        @Valid Recipient recipient,
        Map<String, Object> data,
        List<String> channels,
        Message message) {

    static final String KINDS = "appointment_reminder|post_sale_reminder|system|confirmation|urgent";
    static final String KINDS_LISTED = "appointment_reminder, post_sale_reminder, system, confirmation, urgent";

    public NotificationRequest {
        data = data == null ? Map.of() : data;
    }

    /** A phone, an email, or a contact of the tenant's contacts whose phone and email are used. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Recipient(
            String phone,
            String email,
            @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._:@+-]{0,199}", message = "recipient.contactId must be 1-200 "
                    + "letters, digits and . _ : @ + -, starting with a letter or digit.")
            String contactId) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Message(String text, String subject, String html) {}
}
