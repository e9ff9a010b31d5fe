package dev.pasarela.notifications;

import com.fasterxml.jackson.annotation.JsonFormat;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * The body of {@code POST /api/v1/reminders}: the notification to send, and when. {@code sendAt}
 * (one time or a list), or {@code offsets} (ISO-8601 durations) from {@code at} (an appointment)
 * or from now (post-sale follow-ups).
 */
public record ReminderRequest(
        @NotNull(message = "notification is required: the notification to send (recipient, kind, data).")
        @Valid NotificationRequest notification,
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> sendAt,
        String at,
        List<String> offsets) {

    /** The body of {@code PATCH /api/v1/reminders/{id}}. */
    public record Reschedule(@NotNull(message = "sendAt is required.") String sendAt) {}
}
