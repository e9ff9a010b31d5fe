package dev.pasarela.integrations.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pasarela.messaging.SuppressionSink;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** SendGrid and Resend event webhooks over HTTP: status history, suppressions, duplicates once, parking. */
@GatewayTest
class EmailWebhookFlowTest {

    @LocalServerPort
    int port;
    @Autowired
    TenantRepository tenants;
    @Autowired
    DocumentStore store;
    Http http;
    String tenant;
    String domain;
    String s;

    @BeforeEach
    void tenant() {
        http = new Http(port);
        s = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        tenant = "mail-norte-" + s;
        domain = "autos-" + s + ".example";
        tenants.upsert(tenant, new TenantProfile("Autos Norte", null, null, Map.of("email", domain)));
    }

    static String fixture(String name) {
        return dev.pasarela.support.Fixtures.read(name);
    }

    /** Fresh event and message ids per test run, so the shared dedupe store sees new events. */
    String sendGridFixture(String name) {
        return fixture("sendgrid/" + name).replace("TENANT", tenant).replace("==\"", s + "==\"")
                .replace("4c5d75ce93.dfd.", "4c5d75ce93" + s + ".dfd.");
    }

    Http.Response sendGrid(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String ts = Long.toString(Instant.now().getEpochSecond());
        return http.send(HttpRequest.newBuilder(URI.create(http.base() + "/webhooks/sendgrid"))
                .header("Content-Type", "application/json")
                .header(SendGridSignatureVerifier.SIGNATURE, EmailSigning.sendGrid(ts, bytes))
                .header(SendGridSignatureVerifier.TIMESTAMP, ts)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    }

    Http.Response resend(String body, String svixId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base() + "/webhooks/resend"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        EmailSigning.svix(GatewayTest.RESEND_WEBHOOK_SECRET, svixId, Instant.now().getEpochSecond(), body).forEach(b::header);
        return http.send(b);
    }

    static List<String> history(Document d) {
        return ((List<?>) d.field("statusHistory")).stream().map(h -> String.valueOf(((Map<?, ?>) h).get("status"))).toList();
    }

    @Test
    void aSendGridBatchBuildsTheMessagesHistoryOnceAndSkipsWhatItDoesNotProcess() {
        String body = sendGridFixture("events.batch.json");
        assertThat(sendGrid(body).status()).isEqualTo(200);
        assertThat(sendGrid(body).status()).as("SendGrid's retry of the same batch").isEqualTo(200);
        // the message id is sg_message_id up to its first '.'
        String messagePath = "tenants/" + tenant + "/messages/14c5d75ce93" + s;
        Document m = await().atMost(Duration.ofSeconds(20)).until(() -> store.get(messagePath),
                d -> d.isPresent() && history(d.get()).size() == 5).get();
        assertThat(history(m)).containsExactlyInAnyOrder("processed", "deferred", "delivered", "opened", "clicked");
        assertThat(m.field("status")).as("open and click share rank 3, above delivered").isIn("opened", "clicked");
        assertThat(m.field("channel")).isEqualTo("email");
        assertThat(m.field("to")).isEqualTo("example@test.com");
    }

    /** One sg_event_id over the limit: that event alone is dead-lettered, the other of the batch is applied. */
    @Test
    void aSendGridEventWithAnIdOverTheLimitIsDeadLetteredAloneAndTheBatchApplied() {
        String longId = "x".repeat(600);
        String event = "{\"email\":\"example@test.com\",\"timestamp\":" + Instant.now().getEpochSecond()
                + ",\"event\":\"delivered\",\"sg_event_id\":\"%s\",\"sg_message_id\":\"%s.filter0001\","
                + "\"tenant_id\":\"" + tenant + "\"}";
        String body = "[" + event.formatted("good" + s, "5good" + s) + "," + event.formatted(longId, "5bad" + s) + "]";
        assertThat(sendGrid(body).status()).isEqualTo(200);
        Document good = await().atMost(Duration.ofSeconds(20)).until(() ->
                store.get("tenants/" + tenant + "/messages/5good" + s), Optional::isPresent).get();
        assertThat(good.field("status")).isEqualTo("delivered");
        JsonNode dead = await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (JsonNode m : http.ops("GET", "/ops/dlq/dlq.sendgrid.in.receive", null).json()) {
                if (m.path("cause").asText().contains("sg_event_id is 600 characters long")) {
                    return m;
                }
            }
            return null;
        }, m -> m != null);
        assertThat(dead.toString()).doesNotContain("xxxxxxxx");
        assertThat(dead.path("route").asText()).isEqualTo("sendgrid.in.receive");
        assertThat(store.get("tenants/" + tenant + "/messages/5bad" + s)).isEmpty();
    }

    @Test
    void aHardBounceAndASpamReportSuppressTheAddressButABlockDoesNot() {
        assertThat(sendGrid(sendGridFixture("events.bounces.json")).status()).isEqualTo(200);
        Document hard = await().atMost(Duration.ofSeconds(20)).until(() ->
                store.get(SuppressionSink.path(tenant, "bounced.hard@example.com")), Optional::isPresent).get();
        assertThat(hard.field("reason")).isEqualTo("hard_bounce");
        assertThat(hard.field("provider")).isEqualTo("sendgrid");
        assertThat(hard.field("messageId")).isEqualTo("24c5d75ce93" + s);
        assertThat(hard.field("detail")).isEqualTo("500 unknown recipient");
        Document spam = await().atMost(Duration.ofSeconds(20)).until(() ->
                store.get(SuppressionSink.path(tenant, "complainer@example.com")), Optional::isPresent).get();
        assertThat(spam.field("reason")).isEqualTo("complaint");
        Document blocked = await().atMost(Duration.ofSeconds(20)).until(() ->
                store.get("tenants/" + tenant + "/messages/34c5d75ce93" + s), Optional::isPresent).get();
        assertThat(blocked.field("status")).isEqualTo("bounced");
        assertThat(store.get(SuppressionSink.path(tenant, "blocked@example.com"))).isEmpty();
        Document bounced = store.get("tenants/" + tenant + "/messages/24c5d75ce93" + s).orElseThrow();
        assertThat((List<?>) bounced.field("statusHistory")).singleElement()
                .satisfies(h -> assertThat(((Map<?, ?>) h).get("errorCode")).isEqualTo("5.0.0"));
    }

    @Test
    void sendGridEventsOfNoKnownTenantAreParkedAndBadSignaturesRefused() {
        String body = sendGridFixture("events.bounces.json").replace(tenant, "no-such-tenant-" + s);
        assertThat(sendGrid(body).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (JsonNode m : http.ops("GET", "/ops/dlq/parked.unknown-tenant", null).json()) {
                if (m.path("eventKey").asText().equals("sendgrid:37nvH5QBz858KGVYCM4uOA" + s + "==")) {
                    return true;
                }
            }
            return false;
        });
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String old = Long.toString(Instant.now().getEpochSecond() - 3600);
        Http.Response stale = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/webhooks/sendgrid"))
                .header(SendGridSignatureVerifier.SIGNATURE, EmailSigning.sendGrid(old, bytes))
                .header(SendGridSignatureVerifier.TIMESTAMP, old).POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
        assertThat(stale.status()).isEqualTo(401);
        assertThat(stale.contentType()).startsWith("application/problem+json");
        Http.Response unsigned = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/webhooks/sendgrid"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
        assertThat(unsigned.status()).isEqualTo(401);
    }

    @Test
    void resendEventsRouteBySendingDomainAndDedupeOnSvixId() {
        String emailId = UUID.randomUUID().toString();
        String delivered = fixture("resend/email.delivered.json").replace("resend.dev>", domain + ">")
                .replace("56761188-7520-42d8-8898-ff6fc54ce618", emailId);
        String sent = delivered.replace("email.delivered", "email.sent").replace("23:41:12.126Z", "23:41:11.126Z");
        String svixDelivered = "msg_" + s + "d";
        assertThat(resend(delivered, svixDelivered).status()).isEqualTo(200);
        assertThat(resend(delivered, svixDelivered).status()).isEqualTo(200);
        assertThat(resend(sent, "msg_" + s + "s").status()).isEqualTo(200);
        String path = "tenants/" + tenant + "/messages/" + emailId;
        Document m = await().atMost(Duration.ofSeconds(20)).until(() -> store.get(path),
                d -> d.isPresent() && history(d.get()).size() == 2).get();
        assertThat(history(m)).containsExactly("sent", "delivered");
        assertThat(m.field("status")).isEqualTo("delivered");
    }

    @Test
    void aResendPermanentBounceAndAComplaintSuppressByTheTenantTag() {
        String tagged = "\"tags\":{\"category\":\"confirm_email\",\"tenant_id\":\"" + tenant + "\"}";
        String bounced = fixture("resend/email.bounced.json").replace("\"tags\":{\"category\":\"confirm_email\"}", tagged)
                .replace("56761188-7520-42d8-8898-ff6fc54ce618", UUID.randomUUID().toString());
        String complained = fixture("resend/email.complained.json").replace("\"tags\":{\"category\":\"confirm_email\"}", tagged);
        String transient_ = bounced.replace("Permanent", "Transient").replace("Bounced@Resend.dev", "soft@resend.dev");
        assertThat(resend(bounced, "msg_" + s + "b").status()).isEqualTo(200);
        assertThat(resend(complained, "msg_" + s + "c").status()).isEqualTo(200);
        assertThat(resend(transient_, "msg_" + s + "t").status()).isEqualTo(200);
        Document hard = await().atMost(Duration.ofSeconds(20)).until(() ->
                store.get(SuppressionSink.path(tenant, "bounced@resend.dev")), Optional::isPresent).get();
        assertThat(hard.field("reason")).isEqualTo("hard_bounce");
        assertThat(hard.field("bounceType")).isEqualTo("hard");
        assertThat(hard.field("errorCode")).isEqualTo("Suppressed");
        assertThat(await().atMost(Duration.ofSeconds(20)).until(() ->
                store.get(SuppressionSink.path(tenant, "complained@resend.dev")), Optional::isPresent).get()
                .field("provider")).isEqualTo("resend");
        await().atMost(Duration.ofSeconds(20)).until(() -> store.get("tenants/" + tenant + "/messages/"
                + "56761188-7520-42d8-8898-ff6fc54ce618").isPresent());
        assertThat(store.get(SuppressionSink.path(tenant, "soft@resend.dev"))).isEmpty();
    }

    @Test
    void resendRefusesBadSignaturesAndUnreadableBodies() {
        String body = fixture("resend/email.delivered.json");
        Http.Response wrong = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/webhooks/resend"))
                .header("svix-id", "msg_x").header("svix-timestamp", Long.toString(Instant.now().getEpochSecond()))
                .header("svix-signature", "v1,AAAA").POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(wrong.status()).isEqualTo(401);
        Http.Response notJson = resend("not json", "msg_" + s + "n");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.contentType()).startsWith("application/problem+json");
    }
}
