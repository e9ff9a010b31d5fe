package dev.pasarela.integrations.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.api.ProblemException;
import dev.pasarela.pipeline.errors.PermanentException;
import dev.pasarela.pipeline.ingress.InboundEvent;
import dev.pasarela.pipeline.ingress.RawRequest;
import dev.pasarela.pipeline.transform.DeliveryStatus;
import dev.pasarela.pipeline.transform.QueuedEvent;
import dev.pasarela.support.BootObjectMapper;
import dev.pasarela.support.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Resend's documented webhook events (src/test/resources/resend) through the interpreter, as they
 * are queued (with the Svix message id), and the mapper: the delivery statuses field by field, the
 * event types acknowledged but not processed, and what is refused.
 */
class ResendEventMapperTest {

    static final String URL = "https://gateway.example/webhooks/resend";
    static final String EMAIL_ID = "56761188-7520-42d8-8898-ff6fc54ce618";
    static final Instant CREATED = Instant.parse("2024-11-22T23:41:12.126Z");

    final ObjectMapper json = BootObjectMapper.create();
    final ResendWebhookInterpreter interpreter = new ResendWebhookInterpreter(json);
    final ResendEventMapper mapper = new ResendEventMapper(json);

    static String fixture(String name) {
        return Fixtures.read("resend/" + name).trim();
    }

    InboundEvent interpret(String body) {
        List<InboundEvent> events = interpreter.interpret(new RawRequest(body.getBytes(StandardCharsets.UTF_8),
                Map.of("svix-id", "msg_2pVbSeNN5jIYZ7Dt4Gz2mzEhZzO"), URL));
        assertThat(events).hasSize(1);
        return events.get(0);
    }

    DeliveryStatus map(InboundEvent e) {
        List<?> mapped = mapper.map(new QueuedEvent("resend", "t1", e.eventKey(), e.type(), e.payload()));
        assertThat(mapped).singleElement().isInstanceOf(DeliveryStatus.class);
        return (DeliveryStatus) mapped.get(0);
    }

    @Test
    void aDeliveredEventIsKeyedBySvixIdAndRoutedByTheSendersDomain() {
        InboundEvent in = interpret(fixture("email.delivered.json"));
        assertThat(in.eventKey()).isEqualTo("resend:msg_2pVbSeNN5jIYZ7Dt4Gz2mzEhZzO");
        assertThat(in.type()).isEqualTo("email.delivered");
        assertThat(in.processable()).isTrue();
        assertThat(in.routingKeys()).containsExactly("email:resend.dev");
        assertThat(in.claimedTenantId()).isNull();

        DeliveryStatus s = map(in);
        assertThat(s.tenantId()).isEqualTo("t1");
        assertThat(s.eventKey()).isEqualTo(in.eventKey());
        assertThat(s.provider()).isEqualTo("resend");
        assertThat(s.occurredAt()).as("the envelope's created_at").isEqualTo(CREATED);
        assertThat(s.channel()).isEqualTo("email");
        assertThat(s.messageId()).isEqualTo(EMAIL_ID);
        assertThat(s.recipientId()).isEqualTo("delivered@resend.dev");
        // ignoring case: the status is the provider's word today and a normalised enum tomorrow
        assertThat(String.valueOf(s.status())).isEqualToIgnoringCase("delivered");
        assertThat(s.errorCode()).isNull();
        assertThat(s.errorTitle()).isNull();
        assertThat(s.bounceType()).isNull();
    }

    @Test
    void aPermanentBounceIsHardWithItsSubTypeAndMessage() {
        DeliveryStatus s = map(interpret(fixture("email.bounced.json")));
        assertThat(String.valueOf(s.status())).isEqualToIgnoringCase("bounced");
        assertThat(s.bounceType()).isEqualTo("hard");
        assertThat(s.errorCode()).isEqualTo("Suppressed");
        assertThat(s.errorTitle()).isEqualTo("The recipient's email address is on the suppression list because it has"
                + " a recent history of producing hard bounces.");
        assertThat(s.recipientId()).isEqualTo("Bounced@Resend.dev");
    }

    @Test
    void aTransientBounceIsSoft() {
        DeliveryStatus s = map(interpret(fixture("email.bounced.json").replace("\"type\":\"Permanent\"",
                "\"type\":\"Transient\"").replace("\"subType\":\"Suppressed\"", "\"subType\":\"MailboxFull\"")));
        assertThat(s.bounceType()).isEqualTo("soft");
        assertThat(s.errorCode()).isEqualTo("MailboxFull");
    }

    @Test
    void aComplaintNamesItsRecipient() {
        DeliveryStatus s = map(interpret(fixture("email.complained.json")));
        assertThat(String.valueOf(s.status())).isEqualToIgnoringCase("complained");
        assertThat(s.recipientId()).isEqualTo("complained@resend.dev");
        assertThat(s.bounceType()).isNull();
    }

    @Test
    void theTenantTagIsReadInBothOfResendsTagShapes() {
        String delivered = fixture("email.delivered.json");
        assertThat(interpret(delivered.replace("\"tags\":{\"category\":\"confirm_email\"}",
                "\"tags\":{\"category\":\"confirm_email\",\"tenant_id\":\"autos-norte\"}")).claimedTenantId())
                .isEqualTo("autos-norte");
        assertThat(interpret(delivered.replace("\"tags\":{\"category\":\"confirm_email\"}",
                "\"tags\":[{\"name\":\"tenant_id\",\"value\":\"autos-sur\"}]")).claimedTenantId())
                .isEqualTo("autos-sur");
    }

    @Test
    void withoutTheEnvelopesTimeTheDatasOwnFormIsRead() {
        DeliveryStatus s = map(interpret(fixture("email.delivered.json")
                .replace("\"created_at\":\"2024-11-22T23:41:12.126Z\",", "")));
        assertThat(s.occurredAt()).isEqualTo(Instant.parse("2024-11-22T23:41:11.894719Z"));
    }

    @Test
    void anEventForSeveralRecipientsNamesNone() {
        DeliveryStatus s = map(interpret(fixture("email.delivered.json")
                .replace("[\"delivered@resend.dev\"]", "[\"a@resend.dev\",\"b@resend.dev\"]")));
        assertThat(s.recipientId()).isNull();
    }

    @Test
    void aQueuedEnvelopeReadsBackAsTheSameEvent() {
        InboundEvent in = interpret(fixture("email.bounced.json"));
        InboundEvent replayed = interpreter.interpret(in.payload()).get(0);
        assertThat(replayed.eventKey()).isEqualTo(in.eventKey());
        assertThat(replayed.routingKeys()).isEqualTo(in.routingKeys());
        assertThat(map(replayed)).isEqualTo(map(in));
    }

    @Test
    void otherEventTypesAreAcknowledgedButNotProcessedAndTheMapperRefusesThem() {
        InboundEvent received = interpret(fixture("email.delivered.json").replace("email.delivered", "email.received"));
        assertThat(received.processable()).isFalse();
        assertThatThrownBy(() -> map(received)).isInstanceOf(PermanentException.class)
                .hasMessageContaining("not processed");
    }

    @Test
    void bodiesResendDoesNotSendAreRefusedWith400() {
        String delivered = fixture("email.delivered.json");
        assertThatThrownBy(() -> interpreter.interpret(new RawRequest(delivered.getBytes(StandardCharsets.UTF_8),
                Map.of(), URL))).isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.status()).isEqualTo(400));
        for (String body : List.of("not json", "[]", delivered.replace("\"type\":\"email.delivered\",", ""),
                "{\"type\":\"email.delivered\",\"data\":\"x\"}")) {
            assertThatThrownBy(() -> interpret(body)).as(body)
                    .isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.status()).isEqualTo(400));
        }
    }

    @Test
    void eventsTheMapperCannotReadAreRefusedAsPermanent() {
        String delivered = fixture("email.delivered.json");
        assertThatThrownBy(() -> map(interpret(delivered.replace("\"email_id\":\"" + EMAIL_ID + "\",", ""))))
                .isInstanceOf(PermanentException.class).hasMessageContaining("no email_id");
        assertThatThrownBy(() -> map(interpret(delivered.replace("\"created_at\":\"2024-11-22T23:41:12.126Z\",", "")
                .replace("\"created_at\":\"2024-11-22 23:41:11.894719+00\",", ""))))
                .isInstanceOf(PermanentException.class).hasMessageContaining("created_at");
    }

    @Test
    void aSvixIdOverTheLimitIsRefusedAtTheDoor() {
        String body = fixture("email.delivered.json");
        assertThatThrownBy(() -> interpreter.interpret(new RawRequest(body.getBytes(StandardCharsets.UTF_8),
                Map.of("svix-id", "msg_" + "s".repeat(596)), URL)))
                .isInstanceOfSatisfying(ProblemException.class, p -> {
                    assertThat(p.status()).isEqualTo(400);
                    assertThat(p.detail()).contains("svix-id", "600").doesNotContain("ssss");
                });
    }
}
