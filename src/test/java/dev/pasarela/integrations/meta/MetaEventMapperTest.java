package dev.pasarela.integrations.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.pipeline.errors.PermanentException;
import dev.pasarela.pipeline.ingress.InboundEvent;
import dev.pasarela.pipeline.transform.CanonicalEvent;
import dev.pasarela.pipeline.transform.DeliveryStatus;
import dev.pasarela.pipeline.transform.InboundMessage;
import dev.pasarela.pipeline.transform.QueuedEvent;
import dev.pasarela.pipeline.transform.TemplateStatusChanged;
import dev.pasarela.support.BootObjectMapper;
import dev.pasarela.support.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Meta's documented webhook payloads (src/test/resources/meta) through the interpreter, as they are
 * queued, and the mapper: the canonical events field by field, what is acknowledged but not
 * processed, and what the mapper refuses. No Graph API: the mapper is pure.
 */
class MetaEventMapperTest {

    static final Instant NOW = Instant.parse("2025-06-09T12:00:00Z");

    final ObjectMapper json = BootObjectMapper.create();
    final MetaWebhookInterpreter interpreter = new MetaWebhookInterpreter(json);
    final MetaEventMapper mapper = new MetaEventMapper(json, Clock.fixed(NOW, ZoneOffset.UTC));

    static byte[] fixture(String name) {
        return Fixtures.read("meta/" + name).trim().getBytes(StandardCharsets.UTF_8);
    }

    List<InboundEvent> interpret(String name) {
        return interpreter.interpret(fixture(name));
    }

    List<CanonicalEvent> map(InboundEvent e) {
        return mapper.map(new QueuedEvent("meta", "t1", e.eventKey(), e.type(), e.payload()));
    }

    <T extends CanonicalEvent> T single(String name, Class<T> type) {
        List<InboundEvent> events = interpret(name);
        assertThat(events).singleElement().satisfies(e -> assertThat(e.processable()).isTrue());
        List<CanonicalEvent> mapped = map(events.get(0));
        assertThat(mapped).singleElement().isInstanceOf(type);
        return type.cast(mapped.get(0));
    }

    @Test
    void aWhatsAppTextBecomesAnInboundMessageWithTheContactsName() {
        InboundMessage m = single("whatsapp.text.json", InboundMessage.class);
        assertThat(m.tenantId()).isEqualTo("t1");
        assertThat(m.eventKey()).isEqualTo("meta:wa:msg:wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=");
        assertThat(m.provider()).isEqualTo("meta");
        assertThat(m.occurredAt()).isEqualTo(Instant.ofEpochSecond(1749416383));
        assertThat(m.channel()).isEqualTo("whatsapp");
        assertThat(m.messageId()).isEqualTo("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=");
        assertThat(m.contactId()).isEqualTo("16505551234");
        assertThat(m.contactName()).isEqualTo("Sheena Nelson");
        assertThat(m.kind()).isEqualTo("text");
        assertThat(m.content()).containsExactly(
                entry("text", "¿Tienen el coche en otro color? Me interesa el SUV — gracias 🚗"));
        assertThat(m.replyTo()).isNull();
    }

    @Test
    void aWhatsAppImageKeepsItsMediaIdAndLeavesTheUrlToTheEnrichStep() {
        InboundMessage m = single("whatsapp.image.json", InboundMessage.class);
        assertThat(m.kind()).isEqualTo("image");
        assertThat(m.occurredAt()).isEqualTo(Instant.ofEpochSecond(1744344496));
        assertThat(m.content()).containsExactly(
                entry("mediaId", "1003383421387256"),
                entry("mimeType", "image/jpeg"),
                entry("sha256", "SfInY4gRBhL5Q+Ow5UebiPe2ZiA8/AnnJE16iJqvbXo="),
                entry("caption", "Este es el golpe en la puerta"));
    }

    @Test
    void theEnrichStepPassesEventsWithoutMediaThroughWithoutACall() {
        // no Graph client and no accounts: any call would fail, so passing through proves none was made
        WhatsAppMedia media = new WhatsAppMedia(null, null, Clock.fixed(NOW, ZoneOffset.UTC));
        InboundMessage text = single("whatsapp.text.json", InboundMessage.class);
        InboundMessage messenger = (InboundMessage) map(interpret("messenger.message.json").get(0)).get(0);
        assertThat(media.enrich(text)).isSameAs(text);
        assertThat(media.enrich(messenger)).isSameAs(messenger);
        assertThat(media.provider()).isEqualTo(mapper.provider());
    }

    @Test
    void aWhatsAppLocationKeepsItsCoordinatesAndTheMessageItAnswers() {
        InboundMessage m = single("whatsapp.location.json", InboundMessage.class);
        assertThat(m.kind()).isEqualTo("location");
        assertThat(m.content()).containsExactly(
                entry("address", "Av. Insurgentes Sur 1602, CDMX"),
                entry("latitude", 19.3709),
                entry("longitude", -99.1773),
                entry("name", "Autos Norte"));
        assertThat(m.replyTo()).isEqualTo("wamid.OUTBOUNDCONTEXTDDDDDDDDDDDDDDDDDDDDDDDDDDDD");
    }

    @Test
    void aBatchIsOneEventPerMessageAndStatusEachMappedOnItsOwn() {
        List<InboundEvent> events = interpret("whatsapp.batch.two-numbers.json");
        assertThat(events).extracting(InboundEvent::eventKey).containsExactly(
                "meta:wa:msg:wamid.BATCH1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                "meta:wa:msg:wamid.BATCH2BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
                "meta:wa:status:wamid.OUTBOUND2CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC:failed");
        assertThat(events).extracting(InboundEvent::routingKeys).containsExactly(
                List.of("whatsapp:106540352242922"), List.of("whatsapp:106540352242999"),
                List.of("whatsapp:106540352242999"));

        InboundMessage reply = (InboundMessage) map(events.get(1)).get(0);
        assertThat(reply.kind()).isEqualTo("button_reply");
        assertThat(reply.contactName()).isEqualTo("Pablo Morales");
        assertThat(reply.content()).containsExactly(entry("id", "cita-confirmar"), entry("title", "Confirmar cita"));

        DeliveryStatus failed = (DeliveryStatus) map(events.get(2)).get(0);
        assertThat(failed.eventKey()).isEqualTo(events.get(2).eventKey());
        assertThat(failed.channel()).isEqualTo("whatsapp");
        assertThat(failed.messageId()).isEqualTo("wamid.OUTBOUND2CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC");
        assertThat(failed.recipientId()).isEqualTo("5215512345678");
        assertThat(failed.occurredAt()).isEqualTo(Instant.ofEpochSecond(1749416391));
        // ignoring case: the status is the provider's word today and a normalised enum tomorrow
        assertThat(String.valueOf(failed.status())).isEqualToIgnoringCase("failed");
        assertThat(failed.errorCode()).isEqualTo("131047");
        assertThat(failed.errorTitle()).as("error_data.details, not the deprecated title").isEqualTo(
                "Message failed to send because more than 24 hours have passed since the customer last replied to this number.");
    }

    @Test
    void aReadStatusHasNoError() {
        DeliveryStatus s = single("whatsapp.statuses.json", DeliveryStatus.class);
        assertThat(s.eventKey()).isEqualTo("meta:wa:status:wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3NTY0QjY2RjAzQ0U1QjVFQjEA:read");
        assertThat(s.messageId()).isEqualTo("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3NTY0QjY2RjAzQ0U1QjVFQjEA");
        assertThat(s.recipientId()).isEqualTo("16505551234");
        assertThat(s.occurredAt()).isEqualTo(Instant.ofEpochSecond(1750263773));
        assertThat(String.valueOf(s.status())).isEqualToIgnoringCase("read");
        assertThat(s.errorCode()).isNull();
        assertThat(s.errorTitle()).isNull();
    }

    @Test
    void aTemplateStatusUpdateIsRoutedByItsAccountAndTimedByTheEntry() {
        InboundEvent in = interpret("whatsapp.template_status.json").get(0);
        assertThat(in.routingKeys()).containsExactly("whatsapp-business-account:102290129340398");
        TemplateStatusChanged t = single("whatsapp.template_status.json", TemplateStatusChanged.class);
        assertThat(t.eventKey()).isEqualTo("meta:wa:template:572279198452421:REJECTED:1674864290");
        assertThat(t.occurredAt()).isEqualTo(Instant.ofEpochSecond(1674864290));
        assertThat(t.channel()).isEqualTo("whatsapp");
        assertThat(t.templateId()).isEqualTo("572279198452421");
        assertThat(t.name()).isEqualTo("seasonal_promotion");
        assertThat(t.language()).isEqualTo("en_US");
        assertThat(t.status()).isEqualTo("REJECTED");
        assertThat(t.reason()).isEqualTo("INVALID_FORMAT");
    }

    @Test
    void aTemplateStatusWithoutATimeIsTimedByTheClock() {
        byte[] untimed = new String(fixture("whatsapp.template_status.json"), StandardCharsets.UTF_8)
                .replace("\"time\":1674864290,", "").getBytes(StandardCharsets.UTF_8);
        List<CanonicalEvent> mapped = mapper.map(new QueuedEvent("meta", "t1", "k", "whatsapp.template_status", untimed));
        assertThat(((TemplateStatusChanged) mapped.get(0)).occurredAt()).isEqualTo(NOW);
    }

    @Test
    void aMessengerTextIsMappedAndOurOwnEchoIsNotProcessed() {
        List<InboundEvent> events = interpret("messenger.message.json");
        assertThat(events).extracting(InboundEvent::type).containsExactly("messenger.message", "messenger.message");
        assertThat(events).extracting(InboundEvent::processable).containsExactly(true, false);
        assertThat(events.get(0).routingKeys()).containsExactly("facebook:112233445566778");
        InboundMessage m = (InboundMessage) map(events.get(0)).get(0);
        assertThat(m.channel()).isEqualTo("messenger");
        assertThat(m.messageId()).isEqualTo(
                "m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P");
        assertThat(m.contactId()).isEqualTo("6789012345678901");
        assertThat(m.contactName()).isNull();
        assertThat(m.occurredAt()).as("Messenger sends milliseconds").isEqualTo(Instant.ofEpochMilli(1749416399000L));
        assertThat(m.kind()).isEqualTo("text");
        assertThat(m.content()).containsExactly(entry("text", "Hola, ¿sigue disponible el Corolla?"));
    }

    @Test
    void aMessengerDeliveryIsOneDeliveredStatusPerMessageId() {
        List<InboundEvent> events = interpret("messenger.delivery.json");
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("messenger.delivery");
            assertThat(e.eventKey()).isEqualTo("meta:messenger:delivery:6789012345678901:1749416458000");
        });
        List<CanonicalEvent> mapped = map(events.get(0));
        assertThat(mapped).hasSize(2);
        assertThat(mapped).map(DeliveryStatus.class::cast).extracting(DeliveryStatus::messageId).containsExactly(
                "m_DELIVERED1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                "m_DELIVERED2BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB");
        for (CanonicalEvent e : mapped) {
            DeliveryStatus s = (DeliveryStatus) e;
            assertThat(s.eventKey()).isEqualTo(events.get(0).eventKey() + ":" + s.messageId());
            assertThat(s.channel()).isEqualTo("messenger");
            assertThat(s.recipientId()).isEqualTo("6789012345678901");
            assertThat(s.occurredAt()).isEqualTo(Instant.ofEpochMilli(1749416459000L));
            assertThat(String.valueOf(s.status())).isEqualToIgnoringCase("delivered");
            assertThat(s.errorCode()).isNull();
        }
    }

    @Test
    void aMessengerPostbackKeepsItsTitleAndPayload() {
        InboundMessage m = single("messenger.postback.json", InboundMessage.class);
        assertThat(m.eventKey()).isEqualTo(
                "meta:messenger:postback:m_POSTBACK1CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC");
        assertThat(m.kind()).isEqualTo("postback");
        assertThat(m.messageId()).isEqualTo("m_POSTBACK1CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC");
        assertThat(m.content()).containsExactly(entry("title", "Agendar prueba de manejo"),
                entry("payload", "AGENDAR_PRUEBA"));
    }

    @Test
    void anInstagramAttachmentKeepsItsAttachmentsAndTheMessageItAnswers() {
        InboundEvent in = interpret("instagram.message.json").get(0);
        assertThat(in.routingKeys()).containsExactly("instagram:17841400000000000");
        InboundMessage m = single("instagram.message.json", InboundMessage.class);
        assertThat(m.channel()).isEqualTo("instagram");
        assertThat(m.contactId()).isEqualTo("1234567890123456");
        assertThat(m.kind()).isEqualTo("attachment");
        assertThat(m.content()).containsOnlyKeys("attachments");
        assertThat((List<?>) m.content().get("attachments")).singleElement().isEqualTo(Map.of("type", "image",
                "payload", Map.of("url", "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1&signature=example")));
        assertThat(m.replyTo()).isEqualTo("aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwMDAx");
    }

    @Test
    void anAccountChangeIsAcknowledgedButNotProcessedAndTheMapperRefusesIt() {
        InboundEvent quality = interpret("whatsapp.quality_update.json").get(0);
        assertThat(quality.type()).isEqualTo("whatsapp.phone_number_quality_update");
        assertThat(quality.processable()).isFalse();
        assertThatThrownBy(() -> map(quality)).isInstanceOf(PermanentException.class)
                .hasMessageContaining("is not processed");
    }

    @Test
    void unreadablePayloadsAreRefusedAsPermanent() {
        assertThatThrownBy(() -> mapper.map(new QueuedEvent("meta", "t1", "k", "whatsapp.message",
                "{not json".getBytes(StandardCharsets.UTF_8)))).isInstanceOf(PermanentException.class);
        byte[] noSender = new String(fixture("whatsapp.text.json"), StandardCharsets.UTF_8)
                .replace("\"from\":\"16505551234\",", "").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> mapper.map(new QueuedEvent("meta", "t1", "k", "whatsapp.message", noSender)))
                .isInstanceOf(PermanentException.class).hasMessageContaining("without id or sender");
        byte[] noName = new String(fixture("whatsapp.template_status.json"), StandardCharsets.UTF_8)
                .replace("\"message_template_name\":\"seasonal_promotion\",", "").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> mapper.map(new QueuedEvent("meta", "t1", "k", "whatsapp.template_status", noName)))
                .isInstanceOf(PermanentException.class);
    }

    // --- values that verify but cannot be represented (issue 13) -----------------------------------

    @Test
    void aTimestampOutOfRangeIsPermanentAndTheCauseNamesTheFieldNotTheMessage() {
        for (String ts : new String[] {"9223372036854775807", "-9223372036854775808", "99999999999999999999", "soon"}) {
            byte[] body = new String(fixture("whatsapp.text.json"), StandardCharsets.UTF_8)
                    .replace("\"timestamp\":\"1749416383\"", "\"timestamp\":\"" + ts + "\"").getBytes(StandardCharsets.UTF_8);
            InboundEvent e = interpreter.interpret(body).get(0);
            assertThatThrownBy(() -> map(e)).as(ts).isInstanceOf(PermanentException.class)
                    .hasMessageContaining("WhatsApp message timestamp")
                    .hasMessageNotContaining("16505551234").hasMessageNotContaining("Tienen");
        }
        byte[] messenger = new String(fixture("messenger.message.json"), StandardCharsets.UTF_8)
                .replace("\"timestamp\":1749416399000", "\"timestamp\":9223372036854775807").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> map(interpreter.interpret(messenger).get(0)))
                .isInstanceOf(PermanentException.class).hasMessageContaining("messenger message timestamp");
    }

    @Test
    void idsOverTheDocumentedLimitMakeThatPartAloneUnreadableAndItReadsTheSameAgain() {
        String longWamid = "wamid." + "Q".repeat(594);
        byte[] body = new String(fixture("whatsapp.text.json"), StandardCharsets.UTF_8)
                .replace("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=", longWamid)
                .getBytes(StandardCharsets.UTF_8);
        InboundEvent bad = interpreter.interpret(body).get(0);
        assertThat(interpreter.interpret(body)).hasSize(1);
        assertThat(bad.unreadable()).contains("WhatsApp message id", "600").doesNotContain("QQQQ");
        assertThat(bad.type()).isEqualTo("meta.unreadable");
        assertThat(bad.processable()).isFalse();
        // its payload, replayed, is the same unreadable event (and so dead-lettered again)
        assertThat(interpreter.interpret(bad.payload())).singleElement()
                .satisfies(again -> assertThat(again.eventKey()).isEqualTo(bad.eventKey()));
        byte[] longSender = new String(fixture("messenger.message.json"), StandardCharsets.UTF_8)
                .replace("6789012345678901", "6".repeat(1_500)).getBytes(StandardCharsets.UTF_8);
        List<InboundEvent> messenger = interpreter.interpret(longSender);
        assertThat(messenger).hasSize(2); // the other messaging item of the entry is read as before
        assertThat(messenger.get(0).unreadable()).contains("messenger sender id", "1500");
        assertThat(messenger.get(1).unreadable()).isNull();
        assertThat(messenger.get(1).type()).isEqualTo("messenger.message");
    }
}
