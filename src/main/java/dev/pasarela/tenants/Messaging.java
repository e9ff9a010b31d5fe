package dev.pasarela.tenants;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * A tenant's messaging settings; anything unset takes the gateway's default.
 * <ul>
 *   <li>{@code stopWords}: what a contact writes (the whole message, any case) to stop receiving
 *       messages on that channel ({@code pasarela.messaging.stop-words}).</li>
 *   <li>{@code quietHours}: local times ({@code "21:00"} to {@code "08:00"}, in the tenant's time
 *       zone) when non-urgent notifications are held.</li>
 *   <li>{@code channelPolicy}: the channels a notification tries, in order ({@code whatsapp, sms, email}).</li>
 *   <li>{@code notifications}: per kind ({@code appointment_reminder}, …) the texts and templates used.</li>
 * </ul>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Messaging(List<String> stopWords, QuietHours quietHours, List<String> channelPolicy,
                        Map<String, NotificationContent> notifications) {

    public Messaging(List<String> stopWords) {
        this(stopWords, null, null, null);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record QuietHours(String start, String end) {}

    /**
     * What a notification of one kind says. {@code text} for SMS and WhatsApp inside the window,
     * {@code subject}/{@code html} or {@code emailTemplateId} for email, {@code whatsappTemplate}
     * (+ language, and the data keys that fill its body parameters in order) outside the window.
     * Texts take {@code {{key}}} placeholders from the notification's data.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NotificationContent(String text, String subject, String html, String emailTemplateId,
                                      String whatsappTemplate, String whatsappLanguage, List<String> whatsappParams) {}
}
