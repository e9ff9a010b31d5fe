package dev.pasarela.integrations.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pasarela.messaging.ConversationSink;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.security.CredentialVault;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Twilio webhooks in over HTTP, signed for the public URL a proxy forwards
 * ({@link GatewayTest#TWILIO_PUBLIC_BASE_URL}): statuses in the message's history, inbound SMS in
 * the contact's conversation, empty TwiML back, duplicates once, unknown numbers parked.
 */
@GatewayTest
class TwilioWebhookFlowTest {

    @LocalServerPort
    int port;
    @Autowired
    TenantRepository tenants;
    @Autowired
    DocumentStore store;
    @Autowired
    CredentialVault vault;
    Http http;
    String tenant;
    String number;
    String s;

    @BeforeEach
    void tenant() {
        http = new Http(port);
        s = UUID.randomUUID().toString().replaceAll("[^0-9]", "").concat("0000000").substring(0, 7);
        tenant = "sms-norte-" + s;
        number = "+1555" + s;
        tenants.upsert(tenant, new TenantProfile("Autos Norte", null, null, Map.of("twilio", number)));
    }

    static String fixture(String name) {
        return dev.pasarela.support.Fixtures.read("twilio/" + name);
    }

    static String encoded(String number) {
        return number.replace("+", "%2B");
    }

    Http.Response post(String path, String body, String token) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String signature = TwilioSignatureVerifier.sign(token, GatewayTest.TWILIO_PUBLIC_BASE_URL + path,
                TwilioForm.parse(bytes));
        return http.send(HttpRequest.newBuilder(URI.create(http.base() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    }

    @Test
    void statusCallbacksBuildTheMessagesHistoryOutOfOrderAndOnce() {
        String sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        String delivered = fixture("status.delivered.form").replace("%2B15557122661", encoded(number))
                .replace("SM1f0e8ae6ade43cb3c0ce4525424e404f", sid);
        String sent = delivered.replace("Status=delivered", "Status=sent").replace("&RawDlrDoneDate=2501010000", "");
        for (String body : List.of(delivered, delivered, sent)) {
            Http.Response r = post("/webhooks/twilio/status", body, GatewayTest.TWILIO_AUTH_TOKEN);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.contentType()).startsWith("text/xml");
            assertThat(r.body()).contains("<Response/>");
        }
        String path = "tenants/" + tenant + "/messages/" + sid;
        await().atMost(Duration.ofSeconds(20)).until(() -> store.get(path)
                .map(d -> ((List<?>) d.field("statusHistory")).size()).orElse(0) == 2);
        Document m = store.get(path).orElseThrow();
        assertThat(m.field("status")).as("sent came late: delivered stays").isEqualTo("delivered");
        assertThat(m.field("channel")).isEqualTo("sms");
        assertThat(m.field("to")).isEqualTo("+15017122661");
    }

    @Test
    void anUndeliveredStatusKeepsTwiliosErrorCode() {
        String sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        String body = fixture("status.undelivered.form").replace("%2B15557122661", encoded(number))
                .replace("SM1f0e8ae6ade43cb3c0ce4525424e404f", sid);
        assertThat(post("/webhooks/twilio/status", body, GatewayTest.TWILIO_AUTH_TOKEN).status()).isEqualTo(200);
        Document m = await().atMost(Duration.ofSeconds(20))
                .until(() -> store.get("tenants/" + tenant + "/messages/" + sid), Optional::isPresent).get();
        assertThat(m.field("status")).isEqualTo("undelivered");
        assertThat((List<?>) m.field("statusHistory")).singleElement().satisfies(h -> {
            assertThat(((Map<?, ?>) h).get("errorCode")).isEqualTo("30003");
            assertThat(((Map<?, ?>) h).get("errorTitle")).isEqualTo("Unreachable destination handset");
        });
    }

    @Test
    void anInboundSmsLandsInTheContactsConversationWithItsExactText() {
        String sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        String body = fixture("inbound.sms.form").replace("%2B15557122661", encoded(number))
                .replace("SMa1b2c3d4e5f60718293a4b5c6d7e8f90", sid);
        Http.Response r = post("/webhooks/twilio/inbound", body, GatewayTest.TWILIO_AUTH_TOKEN);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>");
        Document m = await().atMost(Duration.ofSeconds(20)).until(() -> store.get(ConversationSink.conversationPath(
                tenant, "sms", "+14155550199") + "/messages/" + sid), Optional::isPresent).get();
        assertThat(m.field("content.text")).isEqualTo("Hola, ¿puedo cambiar la cita al martes? 🚗");
        assertThat(m.field("kind")).isEqualTo("text");
        assertThat(m.field("channel")).isEqualTo("sms");
        assertThat(store.get(ConversationSink.conversationPath(tenant, "sms", "+14155550199")).orElseThrow()
                .field("lastInboundAt")).isNotNull();
    }

    @Test
    void anMmsKeepsItsMediaAndASubAccountIsVerifiedWithItsOwnToken() {
        String account = "AC" + s + "0".repeat(32 - s.length());
        String subTenant = "sms-sub-" + s;
        tenants.upsert(subTenant, new TenantProfile("Autos Sub", null, null, Map.of("twilio", account)));
        vault.put(subTenant, "twilio", Map.of("accountSid", account, "authToken", "sub-token-" + s));
        String sid = "MM" + UUID.randomUUID().toString().replace("-", "");
        String body = fixture("inbound.mms.form").replace("ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", account)
                .replace("MMc2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7", sid);
        assertThat(post("/webhooks/twilio/inbound", body, "sub-token-of-another-" + s).status()).isEqualTo(403);
        assertThat(post("/webhooks/twilio/inbound", body, "sub-token-" + s).status()).isEqualTo(200);
        Document m = await().atMost(Duration.ofSeconds(20)).until(() -> store.get(ConversationSink.conversationPath(
                subTenant, "sms", "+14155550199") + "/messages/" + sid), Optional::isPresent).get();
        assertThat(m.field("kind")).isEqualTo("media");
        assertThat(m.field("content").toString()).contains("image/jpeg", "/Media/ME0123456789abcdef0123456789abcdef");
    }

    @Test
    void badSignaturesAreRefusedWith403AndProblemJson() {
        String body = fixture("inbound.sms.form").replace("%2B15557122661", encoded(number));
        Http.Response wrong = post("/webhooks/twilio/inbound", body, "not-the-token");
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.contentType()).startsWith("application/problem+json");
        Http.Response none = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/webhooks/twilio/inbound"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(none.status()).isEqualTo(403);
        // signed for the internal URL, not the public one Twilio was given
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String internal = TwilioSignatureVerifier.sign(GatewayTest.TWILIO_AUTH_TOKEN, http.base() + "/webhooks/twilio/inbound",
                TwilioForm.parse(bytes));
        assertThat(http.send(HttpRequest.newBuilder(URI.create(http.base() + "/webhooks/twilio/inbound"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("X-Twilio-Signature", internal)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))).status()).isEqualTo(403);
    }

    @Test
    void aSignedFormWithoutMessageSidIsA400Problem() {
        Http.Response r = post("/webhooks/twilio/status", "MessageStatus=sent&From=" + encoded(number), GatewayTest.TWILIO_AUTH_TOKEN);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("detail").asText()).contains("MessageSid");
    }

    @Test
    void anSmsToANumberOfNoTenantIsParked() {
        String sid = "SMPARKED" + s;
        String body = fixture("inbound.sms.form").replace("%2B15557122661", "%2B1999" + s)
                .replace("SMa1b2c3d4e5f60718293a4b5c6d7e8f90", sid);
        assertThat(post("/webhooks/twilio/inbound", body, GatewayTest.TWILIO_AUTH_TOKEN).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (JsonNode m : http.ops("GET", "/ops/dlq/parked.unknown-tenant", null).json()) {
                if (m.path("eventKey").asText().equals("twilio:msg:" + sid)) {
                    return true;
                }
            }
            return false;
        });
    }

    /** Issue 13: a 5,000-character MessageSid used to pass the door, fail the dedupe insert and end in the DLQ. */
    @Test
    void aMessageSidOverTheIdLimitIsA400ProblemAndNothingIsStored() {
        String sid = "SM" + s + "9".repeat(4_991); // 5,000 characters
        String body = fixture("inbound.sms.form").replace("%2B15557122661", encoded(number))
                .replace("SMa1b2c3d4e5f60718293a4b5c6d7e8f90", sid);
        Http.Response r = post("/webhooks/twilio/inbound", body, GatewayTest.TWILIO_AUTH_TOKEN);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("type").asText()).endsWith("/invalid-payload");
        assertThat(r.json().path("detail").asText()).contains("MessageSid", "5000", "255");
        assertThat(r.body()).doesNotContain("9999999999").doesNotContain(number);
        // the same form with a Twilio-sized sid is accepted: the refusal was the length alone
        String ok = fixture("inbound.sms.form").replace("%2B15557122661", encoded(number))
                .replace("SMa1b2c3d4e5f60718293a4b5c6d7e8f90", "SMOK" + s);
        assertThat(post("/webhooks/twilio/inbound", ok, GatewayTest.TWILIO_AUTH_TOKEN).status()).isEqualTo(200);
    }
}
