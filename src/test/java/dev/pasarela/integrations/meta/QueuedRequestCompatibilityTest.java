package dev.pasarela.integrations.meta;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.messaging.OutboundMessage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.converter.json.Jackson2ObjectMapperBuilder;

/**
 * A message queued on {@code out.whatsapp} / {@code out.messenger} by the version before the typed
 * records is read by this one and sent as it was; a record queued now has the same JSON shape.
 */
class QueuedRequestCompatibilityTest {

    /** Configured as Spring Boot configures its mapper. */
    final ObjectMapper json = Jackson2ObjectMapperBuilder.json().build();

    @Test
    void aWhatsAppMessageQueuedBeforeTheRecordsIsSentAsItWas() throws Exception {
        String queued = """
                {"id":"msg_1","tenantId":"t1","channel":"whatsapp","to":"+5215512345678","createdAt":"2026-01-01T00:00:00Z",
                 "request":{"type":"text","text":{"body":"Hola","previewUrl":true},"replyTo":"wamid.IN"}}""";
        OutboundMessage m = json.readValue(queued, OutboundMessage.class);
        WhatsAppRequest request = json.convertValue(m.request(), WhatsAppRequest.class);
        Map<String, Object> graph = MetaSenders.whatsapp(m, request);
        assertThat(graph).containsEntry("to", "+5215512345678").containsEntry("type", "text")
                .containsEntry("text", Map.of("body", "Hola", "preview_url", true))
                .containsEntry("context", Map.of("message_id", "wamid.IN"))
                .containsEntry("biz_opaque_callback_data", "msg_1");
    }

    @Test
    void aRecordIsQueuedInTheShapeTheEarlierVersionWroteWithoutTheRecipient() {
        WhatsAppRequest template = new WhatsAppRequest("+5215512345678", "template", null,
                new WhatsAppRequest.Template("cita", "es_MX", List.of(Map.of("type", "body"))), null, null, null);
        assertThat(json.convertValue(template, Map.class)).isEqualTo(Map.of("type", "template",
                "template", Map.of("name", "cita", "language", "es_MX", "components", List.of(Map.of("type", "body")))));
        MetaMessagingRequest tagged = new MetaMessagingRequest("1234", "text", new MetaMessagingRequest.Text("Listo"),
                null, "POST_PURCHASE_UPDATE");
        assertThat(json.convertValue(tagged, Map.class)).isEqualTo(Map.of("type", "text", "text", Map.of("body", "Listo"),
                "tag", "POST_PURCHASE_UPDATE"));
    }

    @Test
    void aMessengerImageQueuedBeforeIsSentAsAReusableAttachment() {
        OutboundMessage m = new OutboundMessage("msg_2", "t1", "messenger", "6745129812",
                Map.of("type", "image", "image", Map.of("link", "https://cdn.example/a.jpg")), "2026-01-01T00:00:00Z", null);
        Map<String, Object> graph = MetaSenders.messaging(m, json.convertValue(m.request(), MetaMessagingRequest.class));
        assertThat(graph).containsEntry("messaging_type", "RESPONSE").containsEntry("message", Map.of("attachment",
                Map.of("type", "image", "payload", Map.of("url", "https://cdn.example/a.jpg", "is_reusable", true))));
    }
}
