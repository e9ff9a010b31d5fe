package dev.pasarela.integrations.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pasarela.api.ProblemException;
import dev.pasarela.pipeline.errors.PermanentException;
import dev.pasarela.pipeline.ingress.InboundEvent;
import dev.pasarela.pipeline.transform.DeliveryStatus;
import dev.pasarela.pipeline.transform.QueuedEvent;
import dev.pasarela.support.BootObjectMapper;
import dev.pasarela.support.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SendGrid's documented Event Webhook batches (src/test/resources/sendgrid) through the
 * interpreter, one queued event each, and the mapper: the delivery statuses field by field, the
 * events acknowledged but not processed, and what is refused.
 */
class SendGridEventMapperTest {

    static final Instant AT = Instant.ofEpochSecond(1513299569);

    final ObjectMapper json = BootObjectMapper.create();
    final SendGridWebhookInterpreter interpreter = new SendGridWebhookInterpreter(json);
    final SendGridEventMapper mapper = new SendGridEventMapper(json);

    List<InboundEvent> interpret(String name) {
        return interpreter.interpret(Fixtures.read("sendgrid/" + name).getBytes(StandardCharsets.UTF_8));
    }

    DeliveryStatus map(InboundEvent e) {
        List<?> mapped = mapper.map(new QueuedEvent("sendgrid", "t1", e.eventKey(), e.type(), e.payload()));
        assertThat(mapped).singleElement().isInstanceOf(DeliveryStatus.class);
        return (DeliveryStatus) mapped.get(0);
    }

    @Test
    void aBatchIsOneEventPerEntryKeyedBySgEventIdAndClaimedByTheCustomArg() {
        List<InboundEvent> events = interpret("events.batch.json");
        assertThat(events).extracting(InboundEvent::eventKey).containsExactly("sendgrid:rbtnWrG1DVDGGGFHFyun0A==",
                "sendgrid:t7LEShmowp86DTdUW8M-GQ==", "sendgrid:rWVYmVk90MjZJ9iohOBa3w==",
                "sendgrid:FOTFFO0ecsBE-zxFXfs6WA==", "sendgrid:kCAi1KttyQdEKHhdC-nuEA==",
                "sendgrid:zz_BjPgU_5pS-J8vlfB1sg==");
        assertThat(events).extracting(InboundEvent::type).containsExactly("sendgrid.processed", "sendgrid.deferred",
                "sendgrid.delivered", "sendgrid.open", "sendgrid.click", "sendgrid.unsubscribe");
        assertThat(events).extracting(InboundEvent::processable).containsExactly(true, true, true, true, true, false);
        assertThat(events).extracting(InboundEvent::claimedTenantId).containsOnly("TENANT");
        assertThat(events).allSatisfy(e -> assertThat(e.routingKeys()).isEmpty());
    }

    @Test
    void deliveryAndEngagementEventsBecomeStatusesOfTheMessage() {
        List<InboundEvent> events = interpret("events.batch.json");
        List<String> statuses = events.subList(0, 5).stream().map(this::map).map(s -> {
            assertThat(s.tenantId()).isEqualTo("t1");
            assertThat(s.provider()).isEqualTo("sendgrid");
            assertThat(s.channel()).isEqualTo("email");
            assertThat(s.occurredAt()).isEqualTo(AT);
            assertThat(s.messageId()).as("sg_message_id up to its first dot").isEqualTo("14c5d75ce93");
            assertThat(s.recipientId()).isEqualTo("example@test.com");
            assertThat(s.bounceType()).isNull();
            return String.valueOf(s.status()).toLowerCase();
        }).toList();
        // lower-cased: the status is the provider's word today and a normalised enum tomorrow
        assertThat(statuses).containsExactly("processed", "deferred", "delivered", "opened", "clicked");

        DeliveryStatus deferred = map(events.get(1));
        assertThat(deferred.eventKey()).isEqualTo("sendgrid:t7LEShmowp86DTdUW8M-GQ==");
        assertThat(deferred.errorCode()).isEqualTo("deferred");
        assertThat(deferred.errorTitle()).isEqualTo("400 try again later");
        DeliveryStatus delivered = map(events.get(2));
        assertThat(delivered.errorCode()).isNull();
        assertThat(delivered.errorTitle()).isNull();
    }

    @Test
    void bouncesAreHardOrBlockedAndASpamReportIsAComplaint() {
        List<InboundEvent> events = interpret("events.bounces.json");
        DeliveryStatus hard = map(events.get(0));
        assertThat(String.valueOf(hard.status())).isEqualToIgnoringCase("bounced");
        assertThat(hard.bounceType()).isEqualTo("hard");
        assertThat(hard.errorCode()).isEqualTo("5.0.0");
        assertThat(hard.errorTitle()).isEqualTo("500 unknown recipient");
        assertThat(hard.recipientId()).isEqualTo("Bounced.Hard@Example.com");
        assertThat(hard.messageId()).isEqualTo("24c5d75ce93");

        DeliveryStatus blocked = map(events.get(1));
        assertThat(blocked.bounceType()).isEqualTo("blocked");
        assertThat(blocked.errorCode()).isEqualTo("5.7.1");
        assertThat(blocked.errorTitle()).isEqualTo("550 5.7.1 Service unavailable; client host blocked using Spamhaus");
        assertThat(blocked.messageId()).isEqualTo("34c5d75ce93");

        DeliveryStatus complaint = map(events.get(2));
        assertThat(String.valueOf(complaint.status())).isEqualToIgnoringCase("complained");
        assertThat(complaint.recipientId()).isEqualTo("complainer@example.com");
        assertThat(complaint.bounceType()).isNull();
    }

    @Test
    void theSdksDroppedExampleKeepsTheReasonAndHasNoClaimedTenant() {
        InboundEvent in = interpret("sdk-example.dropped.json").get(0);
        assertThat(in.eventKey()).isEqualTo("sendgrid:ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA");
        assertThat(in.claimedTenantId()).isNull();
        DeliveryStatus s = map(in);
        assertThat(String.valueOf(s.status())).isEqualToIgnoringCase("dropped");
        assertThat(s.messageId()).isEqualTo("LRzXl_NHStOGhQ4kofSm_A");
        assertThat(s.recipientId()).isEqualTo("hello@world.com");
        assertThat(s.occurredAt()).isEqualTo(Instant.ofEpochSecond(1600112492));
        assertThat(s.errorCode()).isEqualTo("dropped");
        assertThat(s.errorTitle()).isEqualTo("Bounced Address");
    }

    @Test
    void withoutAnSgMessageIdTheSmtpIdNamesTheMessage() throws Exception {
        ArrayNode batch = (ArrayNode) json.readTree(Fixtures.read("sendgrid/events.batch.json"));
        ((ObjectNode) batch.get(0)).remove("sg_message_id");
        InboundEvent in = interpreter.interpret(json.writeValueAsBytes(json.createArrayNode().add(batch.get(0)))).get(0);
        assertThat(map(in).messageId()).isEqualTo("14c5d75ce93.dfd.64b469");
    }

    @Test
    void bodiesSendGridDoesNotSendAreRefusedWith400() {
        for (String body : List.of("{\"event\":\"delivered\"}", "not json")) {
            assertThatThrownBy(() -> interpreter.interpret(body.getBytes(StandardCharsets.UTF_8)))
                    .as(body).isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.status()).isEqualTo(400));
        }
        // an array is a batch across tenants: an event of it that is no event is dead-lettered alone
        for (String body : List.of("[{\"email\":\"a@b.c\"}]", "[1]")) {
            assertThat(interpreter.interpret(body.getBytes(StandardCharsets.UTF_8))).as(body).singleElement()
                    .satisfies(e -> assertThat(e.unreadable()).contains("object with an event name"));
        }
    }

    @Test
    void eventsTheMapperDoesNotProcessOrCannotReadAreRefusedAsPermanent() throws Exception {
        InboundEvent unsubscribe = interpret("events.batch.json").get(5);
        assertThatThrownBy(() -> map(unsubscribe)).isInstanceOf(PermanentException.class)
                .hasMessageContaining("not processed");
        ArrayNode batch = (ArrayNode) json.readTree(Fixtures.read("sendgrid/events.batch.json"));
        ObjectNode noEmail = ((ObjectNode) batch.get(2).deepCopy());
        noEmail.remove("email");
        assertThatThrownBy(() -> map(interpreter.interpret(json.writeValueAsBytes(json.createArrayNode().add(noEmail))).get(0)))
                .isInstanceOf(PermanentException.class).hasMessageContaining("no email");
        ObjectNode noId = ((ObjectNode) batch.get(3).deepCopy()); // an open has no smtp-id
        noId.remove("sg_message_id");
        assertThatThrownBy(() -> map(interpreter.interpret(json.writeValueAsBytes(json.createArrayNode().add(noId))).get(0)))
                .isInstanceOf(PermanentException.class).hasMessageContaining("sg_message_id");
    }

    @Test
    void anIdOverTheLimitIsDeadLetteredAloneAndATimestampOutOfRangeIsPermanent() throws Exception {
        ArrayNode batch = (ArrayNode) json.readTree(Fixtures.read("sendgrid/events.batch.json"));
        ObjectNode longId = ((ObjectNode) batch.get(2).deepCopy()).put("sg_event_id", "e".repeat(600));
        // the batch is not refused: that event alone is unreadable (dead-lettered), the others are events
        List<InboundEvent> events = interpreter.interpret(json.writeValueAsBytes(json.createArrayNode().add(longId).add(batch.get(3))));
        assertThat(events).hasSize(2);
        assertThat(events.get(0).unreadable()).contains("sg_event_id", "600").doesNotContain("eeee");
        assertThat(events.get(0).eventKey()).startsWith("sendgrid:unreadable:").hasSizeLessThan(100);
        assertThat(events.get(1).unreadable()).isNull();
        assertThat(events.get(1).eventKey()).isEqualTo("sendgrid:" + batch.get(3).path("sg_event_id").asText());
        ObjectNode late = ((ObjectNode) batch.get(2).deepCopy()).put("timestamp", Long.MAX_VALUE);
        assertThatThrownBy(() -> map(interpreter.interpret(json.writeValueAsBytes(json.createArrayNode().add(late))).get(0)))
                .isInstanceOf(PermanentException.class).hasMessageContaining("SendGrid event timestamp");
    }
}
