package dev.pasarela.integrations.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.api.ProblemException;
import dev.pasarela.pipeline.errors.PermanentException;
import dev.pasarela.pipeline.ingress.InboundEvent;
import dev.pasarela.pipeline.ingress.RawRequest;
import dev.pasarela.pipeline.transform.CanonicalEvent;
import dev.pasarela.pipeline.transform.DeliveryStatus;
import dev.pasarela.pipeline.transform.InboundMessage;
import dev.pasarela.pipeline.transform.QueuedEvent;
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
 * Twilio's documented webhook forms (src/test/resources/twilio) through the interpreter, as they
 * are queued, and the mapper: the canonical events field by field and what is refused.
 */
class TwilioEventMapperTest {

    static final Instant RECEIVED = Instant.parse("2025-06-09T12:00:00Z");
    static final String BASE = "https://gateway.example/webhooks/twilio/";

    final ObjectMapper json = BootObjectMapper.create();
    final TwilioWebhookInterpreter interpreter = new TwilioWebhookInterpreter(json, Clock.fixed(RECEIVED, ZoneOffset.UTC));
    final TwilioEventMapper mapper = new TwilioEventMapper(json);

    static String form(String name) {
        return Fixtures.read("twilio/" + name);
    }

    InboundEvent interpret(String webhook, String form) {
        List<InboundEvent> events = interpreter.interpret(
                new RawRequest(form.getBytes(StandardCharsets.UTF_8), Map.of(), BASE + webhook));
        assertThat(events).singleElement().satisfies(e -> assertThat(e.processable()).isTrue());
        return events.get(0);
    }

    List<CanonicalEvent> map(InboundEvent e) {
        return mapper.map(new QueuedEvent("twilio", "t1", e.eventKey(), e.type(), e.payload()));
    }

    @Test
    void anInboundSmsIsTimedWhenReceivedSinceTwilioSendsNoTime() {
        InboundEvent in = interpret("inbound", form("inbound.sms.form"));
        assertThat(in.eventKey()).isEqualTo("twilio:msg:SMa1b2c3d4e5f60718293a4b5c6d7e8f90");
        assertThat(in.type()).isEqualTo("twilio.message");
        assertThat(in.routingKeys()).containsExactly("twilio:+15557122661", "twilio:ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX");

        InboundMessage m = (InboundMessage) map(in).get(0);
        assertThat(m.tenantId()).isEqualTo("t1");
        assertThat(m.eventKey()).isEqualTo(in.eventKey());
        assertThat(m.provider()).isEqualTo("twilio");
        assertThat(m.occurredAt()).isEqualTo(RECEIVED);
        assertThat(m.channel()).isEqualTo("sms");
        assertThat(m.messageId()).isEqualTo("SMa1b2c3d4e5f60718293a4b5c6d7e8f90");
        assertThat(m.contactId()).isEqualTo("+14155550199");
        assertThat(m.contactName()).isNull();
        assertThat(m.kind()).isEqualTo("text");
        assertThat(m.content()).containsExactly(entry("text", "Hola, ¿puedo cambiar la cita al martes? 🚗"),
                entry("to", "+15557122661"));
        assertThat(m.replyTo()).isNull();
    }

    @Test
    void anInboundMmsListsItsMedia() {
        InboundMessage m = (InboundMessage) map(interpret("inbound", form("inbound.mms.form"))).get(0);
        assertThat(m.kind()).isEqualTo("media");
        assertThat(m.messageId()).isEqualTo("MMc2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7");
        assertThat(m.content()).containsExactly(entry("text", "Foto del golpe"),
                entry("media", List.of(Map.of("url", "https://api.twilio.com/2010-04-01/Accounts/"
                        + "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Messages/MMc2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7/Media/"
                        + "ME0123456789abcdef0123456789abcdef", "contentType", "image/jpeg"))),
                entry("to", "+15557122661"));
    }

    @Test
    void anOptOutKeywordIsKeptForTheSuppressionList() {
        InboundMessage m = (InboundMessage) map(interpret("inbound",
                form("inbound.sms.form").replace("Body=Hola", "OptOutType=STOP&Body=Hola"))).get(0);
        assertThat(m.content()).containsEntry("optOutType", "STOP");
    }

    @Test
    void aDeliveredCallbackIsRoutedByTheSendingNumberAndHasNoError() {
        InboundEvent in = interpret("status", form("status.delivered.form"));
        assertThat(in.eventKey()).isEqualTo("twilio:status:SM1f0e8ae6ade43cb3c0ce4525424e404f:delivered");
        assertThat(in.type()).isEqualTo("twilio.status");
        assertThat(in.routingKeys()).containsExactly("twilio:+15557122661", "twilio:ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX");

        DeliveryStatus s = (DeliveryStatus) map(in).get(0);
        assertThat(s.eventKey()).isEqualTo(in.eventKey());
        assertThat(s.provider()).isEqualTo("twilio");
        assertThat(s.occurredAt()).isEqualTo(RECEIVED);
        assertThat(s.channel()).isEqualTo("sms");
        assertThat(s.messageId()).isEqualTo("SM1f0e8ae6ade43cb3c0ce4525424e404f");
        assertThat(s.recipientId()).isEqualTo("+15017122661");
        // ignoring case: the status is the provider's word today and a normalised enum tomorrow
        assertThat(String.valueOf(s.status())).isEqualToIgnoringCase("delivered");
        assertThat(s.errorCode()).isNull();
        assertThat(s.errorTitle()).isNull();
    }

    @Test
    void anUndeliveredCallbackCarriesTheErrorCodeAndItsTitle() {
        DeliveryStatus s = (DeliveryStatus) map(interpret("status", form("status.undelivered.form"))).get(0);
        assertThat(s.eventKey()).isEqualTo("twilio:status:SM1f0e8ae6ade43cb3c0ce4525424e404f:undelivered");
        assertThat(String.valueOf(s.status())).isEqualToIgnoringCase("undelivered");
        assertThat(s.errorCode()).isEqualTo("30003");
        assertThat(s.errorTitle()).isEqualTo("Unreachable destination handset");
    }

    @Test
    void aQueuedEnvelopeReadsBackAsTheSameEvent() {
        InboundEvent in = interpret("inbound", form("inbound.sms.form"));
        InboundEvent replayed = interpreter.interpret(in.payload()).get(0);
        assertThat(replayed.eventKey()).isEqualTo(in.eventKey());
        assertThat(replayed.routingKeys()).isEqualTo(in.routingKeys());
        assertThat(map(replayed)).isEqualTo(map(in));
    }

    @Test
    void formsTwilioDoesNotSendAreRefusedWith400() {
        assertThatThrownBy(() -> interpret("status", form("status.delivered.form")
                .replace("SmsStatus=delivered&MessageStatus=delivered&", "")))
                .isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.status()).isEqualTo(400));
        assertThatThrownBy(() -> interpret("inbound", "From=%2B14155550199&Body=hola"))
                .isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.status()).isEqualTo(400));
    }

    @Test
    void eventsTheMapperCannotReadAreRefusedAsPermanent() {
        InboundEvent noSender = interpret("inbound", form("inbound.sms.form").replace("&From=%2B14155550199", ""));
        assertThatThrownBy(() -> map(noSender)).isInstanceOf(PermanentException.class).hasMessageContaining("no From");
        InboundEvent sms = interpret("inbound", form("inbound.sms.form"));
        assertThatThrownBy(() -> mapper.map(new QueuedEvent("twilio", "t1", sms.eventKey(), "twilio.other", sms.payload())))
                .isInstanceOf(PermanentException.class);
        assertThatThrownBy(() -> mapper.map(new QueuedEvent("twilio", "t1", "k", "twilio.message",
                "not json".getBytes(StandardCharsets.UTF_8)))).isInstanceOf(PermanentException.class);
    }
}
