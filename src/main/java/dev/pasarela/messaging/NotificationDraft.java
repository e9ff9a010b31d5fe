package dev.pasarela.messaging;

import java.util.List;
import java.util.Map;

/**
 * A notification as the channels see it: the recipient's number and address, and its words
 * already rendered from the kind's texts and the data (null where the kind has none).
 *
 * @param html the HTML body: the texts' html, else the text as a paragraph
 * @param whatsappParams the data keys whose values fill the WhatsApp template's body, in order
 */
public record NotificationDraft(String tenantId, String phone, String email, String text, String subject, String html,
                                Map<String, Object> data, String emailTemplateId, String whatsappTemplate,
                                String whatsappLanguage, List<String> whatsappParams) {

    public NotificationDraft {
        data = data == null ? Map.of() : data;
        whatsappParams = whatsappParams == null ? List.of() : whatsappParams;
    }
}
