package dev.pasarela.notifications;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.pasarela.integrations.twilio.TwilioSigning;
import dev.pasarela.messaging.ConversationSink;
import dev.pasarela.messaging.SuppressionSink;
import dev.pasarela.tenants.Messaging;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.security.ApiKeys;
import dev.pasarela.security.CredentialVault;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * SMS, email and notifications end to end against one stand-in answering as Twilio, SendGrid,
 * Resend and the Graph API document: sends, provider errors, email failover, fallback across the
 * three channels, quiet hours, reminders.
 */
@GatewayTest
class NotificationsFlowTest {

    static final WireMockServer PROVIDERS = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final ObjectMapper JSON = new ObjectMapper();

    static {
        PROVIDERS.start();
    }

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("pasarela.meta.graph-base-url", PROVIDERS::baseUrl);
        registry.add("pasarela.twilio.api-base", PROVIDERS::baseUrl);
        registry.add("pasarela.sendgrid.api-base", PROVIDERS::baseUrl);
        registry.add("pasarela.resend.api-base", PROVIDERS::baseUrl);
        registry.add("pasarela.email.from", () -> "Autos Centro <avisos@autoscentro.example>");
    }

    @AfterAll
    static void stop() {
        PROVIDERS.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    TenantRepository tenants;
    @Autowired
    CredentialVault vault;
    @Autowired
    ApiKeys apiKeys;
    @Autowired
    DocumentStore store;
    @Autowired
    Scheduling scheduling;

    Http http;
    String s;
    String tenant;
    String phoneNumberId;
    String twilioNumber;
    String accountSid;
    String apiKey;
    String sendgridKey;
    String resendKey;

    @BeforeEach
    void tenant() {
        http = new Http(port);
        s = UUID.randomUUID().toString().replaceAll("[^0-9]", "").concat("0000000").substring(0, 7);
        tenant = "ntf-" + s;
        phoneNumberId = "106541" + s;
        twilioNumber = "+1555" + s;
        accountSid = "AC" + s + "0".repeat(25);
        profile(null);
        vault.put(tenant, "whatsapp", Map.of("accessToken", "EAAG-ntf-" + s));
        vault.put(tenant, "twilio", Map.of("accountSid", accountSid, "authToken", "twilio-token-" + s,
                "phoneNumber", twilioNumber));
        sendgridKey = "SG.test-" + s;
        resendKey = "re_test_" + s;
        vault.put(tenant, "sendgrid", Map.of("apiKey", sendgridKey));
        vault.put(tenant, "resend", Map.of("apiKey", resendKey));
        apiKey = apiKeys.create(tenant, "crm").key();
        twilioAnswers(created("SM" + s + "a".repeat(25)));
        PROVIDERS.stubFor(post(urlEqualTo("/v3/mail/send")).withHeader("Authorization", equalTo("Bearer " + sendgridKey))
                .willReturn(aResponse().withStatus(202).withHeader("X-Message-Id", "sg" + s + "MsgIdQ")));
        PROVIDERS.stubFor(post(urlEqualTo("/emails")).withHeader("Authorization", equalTo("Bearer " + resendKey))
                .willReturn(json(200, fixture("resend/api/email.created.json"))));
    }

    void profile(Messaging messaging) {
        tenants.upsert(tenant, new TenantProfile("Autos Centro", "enterprise", "America/Mexico_City",
                Map.of("whatsapp", phoneNumberId, "twilio", twilioNumber), null, messaging));
    }

    String twilioPath() {
        return "/2010-04-01/Accounts/" + accountSid + "/Messages.json";
    }

    void twilioAnswers(ResponseDefinitionBuilder answer) {
        PROVIDERS.stubFor(post(urlEqualTo(twilioPath())).willReturn(answer));
    }

    static ResponseDefinitionBuilder created(String sid) {
        return json(201, fixture("twilio/api/message.created.json").replace("SM1f0e8ae6ade43cb3c0ce4525424e404f", sid));
    }

    static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    static String fixture(String path) {
        return dev.pasarela.support.Fixtures.read(path).trim();
    }

    Http.Response api(String method, String path, String body) {
        return http.send(HttpRequest.newBuilder(URI.create(http.base() + path)).header("X-Api-Key", apiKey)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    JsonNode awaitMessage(String id, String status) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> api("GET", "/api/v1/messages/" + id, null).json(),
                m -> status.equals(m.path("status").asText()));
    }

    JsonNode awaitNotification(String id, java.util.function.Predicate<JsonNode> done) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> api("GET", "/api/v1/notifications/" + id, null).json(),
                done);
    }

    static List<String> attempts(JsonNode n, String field) {
        return StreamSupport.stream(n.path("attempts").spliterator(), false).map(a -> a.path(field).asText()).toList();
    }

    /** A Twilio status callback for one of the tenant's messages, signed with its sub-account token. */
    void twilioStatus(String sid, String form) {
        String body = form.replace("%2B15557122661", twilioNumber.replace("+", "%2B"))
                .replace("SM1f0e8ae6ade43cb3c0ce4525424e404f", sid).replace("ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", accountSid);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String signature = TwilioSigning.sign("twilio-token-" + s,
                GatewayTest.TWILIO_PUBLIC_BASE_URL + "/webhooks/twilio/status", bytes);
        Http.Response r = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/webhooks/twilio/status"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("X-Twilio-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    @Test
    void anSmsGoesThroughTwilioWithAStatusCallbackAndItsStatusesLandOnOurId() {
        String sid = "SM" + s + "b".repeat(25);
        twilioAnswers(created(sid));
        Http.Response r = api("POST", "/api/v1/sms/messages", "{\"to\":\"+15017122661\",\"body\":\"Su auto está listo ✅\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String id = r.json().path("id").asText();
        assertThat(awaitMessage(id, "submitted").path("providerMessageId").asText()).isEqualTo(sid);
        PROVIDERS.verify(postRequestedFor(urlEqualTo(twilioPath()))
                .withBasicAuth(new com.github.tomakehurst.wiremock.client.BasicCredentials(accountSid, "twilio-token-" + s))
                .withRequestBody(containing("To=%2B15017122661"))
                .withRequestBody(containing("From=" + twilioNumber.replace("+", "%2B")))
                .withRequestBody(containing("Body=Su+auto+est%C3%A1+listo+%E2%9C%85"))
                .withRequestBody(containing("StatusCallback=https%3A%2F%2Fpasarela.example.test%2Fwebhooks%2Ftwilio%2Fstatus")));

        twilioStatus(sid, fixture("twilio/status.delivered.form"));
        JsonNode delivered = awaitMessage(id, "delivered");
        assertThat(delivered.path("statusHistory").findValuesAsText("status")).contains("accepted", "submitted", "delivered");
    }

    @Test
    void anUnsubscribedRecipientEndsTheMessageAndMarksTheContactOptedOut() {
        twilioAnswers(json(400, fixture("twilio/api/error.21610.json")));
        String id = api("POST", "/api/v1/sms/messages", "{\"to\":\"+15017120001\",\"body\":\"Hola\"}").json().path("id").asText();
        JsonNode failed = awaitMessage(id, "failed");
        assertThat(failed.path("error").path("code").asText()).isEqualTo("21610");
        assertThat(store.get(ConversationSink.conversationPath(tenant, "sms", "+15017120001")).orElseThrow()
                .field("optedOut")).isEqualTo(true);
        Http.Response refused = api("POST", "/api/v1/sms/messages", "{\"to\":\"+15017120001\",\"body\":\"¿Sigue ahí?\"}");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().path("type").asText()).endsWith("/recipient-opted-out");
        assertThat(refused.body()).doesNotContain("15017120001");
        assertThat(http.ops("GET", "/ops/dlq/dlq.sms.out.deliver", null).body()).doesNotContain(id);
    }

    @Test
    void twiliosRateLimitIsRetried() {
        String sid = "SM" + s + "c".repeat(25);
        PROVIDERS.stubFor(post(urlEqualTo(twilioPath())).inScenario("429-" + s).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(429, fixture("twilio/api/error.20429.json"))).willSetStateTo("ok"));
        PROVIDERS.stubFor(post(urlEqualTo(twilioPath())).inScenario("429-" + s).whenScenarioStateIs("ok")
                .willReturn(created(sid)));
        String id = api("POST", "/api/v1/sms/messages", "{\"to\":\"+15017120002\",\"body\":\"Hola\"}").json().path("id").asText();
        assertThat(awaitMessage(id, "submitted").path("providerMessageId").asText()).isEqualTo(sid);
        assertThat(PROVIDERS.findAll(postRequestedFor(urlEqualTo(twilioPath()))).size()).isEqualTo(2);
    }

    @Test
    void emailFailsOverToResendWhileSendGridIsDownButNeverForARejection() {
        PROVIDERS.stubFor(post(urlEqualTo("/v3/mail/send")).withHeader("Authorization", equalTo("Bearer " + sendgridKey))
                .willReturn(json(503, fixture("sendgrid/api/error.503.json"))));
        String id = api("POST", "/api/v1/email/messages", "{\"to\":\"ana@example.com\",\"subject\":\"Su cita\","
                + "\"html\":\"<p>Mañana a las 10</p>\"}").json().path("id").asText();
        JsonNode sent = awaitMessage(id, "submitted");
        assertThat(sent.path("providerMessageId").asText()).isEqualTo("49a3999c-0ce1-4ea6-ab68-afcd6dc2e794");
        PROVIDERS.verify(postRequestedFor(urlEqualTo("/emails")).withHeader("Idempotency-Key", equalTo(id))
                .withRequestBody(matchingJsonPath("$.to[0]", equalTo("ana@example.com")))
                .withRequestBody(matchingJsonPath("$.from", equalTo("Autos Centro <avisos@autoscentro.example>")))
                .withRequestBody(matchingJsonPath("$.tags[?(@.name == 'tenant_id')].value", equalTo(tenant))));

        PROVIDERS.stubFor(post(urlEqualTo("/v3/mail/send")).withHeader("Authorization", equalTo("Bearer " + sendgridKey))
                .willReturn(json(400, fixture("sendgrid/api/error.400.json"))));
        int resendCalls = PROVIDERS.findAll(postRequestedFor(urlEqualTo("/emails"))).size();
        String rejected = api("POST", "/api/v1/email/messages", "{\"to\":\"nadie@example.com\",\"subject\":\"x\","
                + "\"html\":\"<p>x</p>\"}").json().path("id").asText();
        JsonNode failed = awaitMessage(rejected, "failed");
        assertThat(failed.path("error").path("detail").asText()).contains("Does not contain a valid address");
        assertThat(PROVIDERS.findAll(postRequestedFor(urlEqualTo("/emails"))).size()).isEqualTo(resendCalls);
    }

    @Test
    void anEmailToASuppressedAddressIsRefused() {
        store.set(SuppressionSink.path(tenant, "Rebota@Example.com"), Map.of("reason", "bounce", "at", Instant.now().toString()));
        Http.Response r = api("POST", "/api/v1/email/messages", "{\"to\":\"rebota@example.com\",\"template\":\"d-13b8f94fbcae4ec6b75270d6cb59f932\","
                + "\"data\":{\"name\":\"Ana\"}}");
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().path("type").asText()).endsWith("/recipient-suppressed");
        assertThat(r.body()).doesNotContain("rebota@example.com"); // an address is personal data
    }

    @Test
    void aNotificationFallsBackFromWhatsAppToSmsToEmailAndKeepsEveryAttempt() {
        profile(new Messaging(null, null, null, Map.of("appointment_reminder", new Messaging.NotificationContent(
                null, null, null, null, "recordatorio_cita", "es_MX", List.of("name", "date")))));
        PROVIDERS.stubFor(post(urlEqualTo("/v25.0/" + phoneNumberId + "/messages"))
                .willReturn(json(400, fixture("meta/graph/error.131026.json"))));
        twilioAnswers(json(400, fixture("twilio/api/error.21614.json")));
        Http.Response r = api("POST", "/api/v1/notifications", "{\"recipient\":{\"phone\":\"+5215512349999\","
                + "\"email\":\"ana@example.com\"},\"kind\":\"appointment_reminder\",\"data\":{\"name\":\"Ana\","
                + "\"date\":\"12 de diciembre a las 10:00\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String id = r.json().path("id").asText();
        JsonNode n = awaitNotification(id, x -> "email".equals(x.path("channel").asText()));
        assertThat(attempts(n, "channel")).containsExactly("whatsapp", "sms", "email");
        assertThat(attempts(n, "outcome")).containsExactly("failed", "failed", "queued");
        assertThat(attempts(n, "reason").subList(0, 2)).containsExactly("131026", "21614");
        PROVIDERS.verify(postRequestedFor(urlEqualTo("/v25.0/" + phoneNumberId + "/messages"))
                .withRequestBody(matchingJsonPath("$.template.name", equalTo("recordatorio_cita")))
                .withRequestBody(matchingJsonPath("$.template.components[0].parameters[1].text",
                        equalTo("12 de diciembre a las 10:00"))));
        PROVIDERS.verify(postRequestedFor(urlEqualTo("/v3/mail/send"))
                .withRequestBody(matchingJsonPath("$.subject", equalTo("Recordatorio de su cita")))
                .withRequestBody(containing("Hola Ana, le recordamos su cita el 12 de diciembre a las 10:00."))
                .withRequestBody(matchingJsonPath("$.personalizations[0].custom_args.tenant_id", equalTo(tenant))));
        String emailId = n.path("attempts").get(2).path("messageId").asText();
        awaitMessage(emailId, "submitted");
        // metered only where a provider took the message: the two refusals gave their units back
        JsonNode used = api("GET", "/api/v1/usage", null).json().path("channels");
        assertThat(used.path("whatsapp").path("used").asLong()).as(used.toString()).isZero();
        assertThat(used.path("sms").path("used").asLong()).as(used.toString()).isZero();
        assertThat(used.path("email").path("used").asLong()).as(used.toString()).isEqualTo(1);
    }

    @Test
    void aRefusalAnOperatorMustFixOrAnOutageFallsBackAtOnceWithoutADeadLetterToReplay() {
        profile(new Messaging(null, null, null, Map.of("confirmation", new Messaging.NotificationContent(
                null, null, null, null, "confirmacion", "es_MX", List.of("name")))));
        // a revoked WhatsApp token: the notification goes on by SMS; nothing waits in the DLQ to send twice
        PROVIDERS.stubFor(post(urlEqualTo("/v25.0/" + phoneNumberId + "/messages"))
                .willReturn(json(400, fixture("meta/graph/error.190.json"))));
        String body = "{\"recipient\":{\"phone\":\"+15017120011\"},\"kind\":\"confirmation\","
                + "\"channels\":[\"whatsapp\",\"sms\"],\"data\":{\"name\":\"Ana\",\"detail\":\"su cita\"}}";
        String revoked = api("POST", "/api/v1/notifications", body).json().path("id").asText();
        JsonNode n = awaitNotification(revoked, x -> "sms".equals(x.path("channel").asText()));
        assertThat(attempts(n, "reason").get(0)).isEqualTo("190");
        String whatsappMessage = n.path("attempts").get(0).path("messageId").asText();
        assertThat(http.ops("GET", "/ops/dlq/dlq.whatsapp.out.deliver", null).body()).doesNotContain(whatsappMessage);

        // Graph down for longer than the retries: the message is dead-lettered, ends failed, and the
        // notification goes on by SMS (a replay of that dead letter sends nothing: its notification moved on)
        PROVIDERS.stubFor(post(urlEqualTo("/v25.0/" + phoneNumberId + "/messages")).willReturn(aResponse().withStatus(503)));
        vault.put(tenant, "whatsapp", Map.of("accessToken", "EAAG-ntf-renewed-" + s));
        String outage = api("POST", "/api/v1/notifications", body.replace("0011", "0012")).json().path("id").asText();
        JsonNode after = awaitNotification(outage, x -> "sms".equals(x.path("channel").asText()));
        assertThat(attempts(after, "reason").get(0)).isEqualTo("retries-exhausted");
        String dead = after.path("attempts").get(0).path("messageId").asText();
        assertThat(awaitMessage(dead, "failed").path("error").path("code").asText()).isEqualTo("retries-exhausted");
        int sends = PROVIDERS.findAll(postRequestedFor(urlEqualTo("/v25.0/" + phoneNumberId + "/messages"))).size();
        JsonNode dlq = await().atMost(Duration.ofSeconds(20)).until(
                () -> http.ops("GET", "/ops/dlq/dlq.whatsapp.out.deliver", null).json(), d -> d.toString().contains(dead));
        String jmsId = StreamSupport.stream(dlq.spliterator(), false).filter(m -> dead.equals(m.path("eventKey").asText()))
                .findFirst().orElseThrow().path("id").asText();
        assertThat(http.ops("POST", "/ops/dlq/dlq.whatsapp.out.deliver/replay", "{\"ids\":[\"" + jmsId + "\"]}")
                .json().path("replayed").asInt()).isEqualTo(1);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> PROVIDERS.findAll(
                postRequestedFor(urlEqualTo("/v25.0/" + phoneNumberId + "/messages"))).size() == sends);
    }

    @Test
    void anSmsReportedUndeliveredLaterMovesTheNotificationToEmail() {
        String sid = "SM" + s + "d".repeat(25);
        twilioAnswers(created(sid));
        String id = api("POST", "/api/v1/notifications", "{\"recipient\":{\"phone\":\"+15017122661\",\"email\":"
                + "\"ana@example.com\"},\"kind\":\"confirmation\",\"channels\":[\"sms\",\"email\"],\"data\":{\"name\":"
                + "\"Ana\",\"detail\":\"prueba de manejo el sábado\"}}").json().path("id").asText();
        JsonNode sms = awaitNotification(id, x -> "queued".equals(x.path("attempts").path(0).path("outcome").asText()));
        awaitMessage(sms.path("attempts").get(0).path("messageId").asText(), "submitted");
        twilioStatus(sid, fixture("twilio/status.undelivered.form"));
        JsonNode n = awaitNotification(id, x -> "email".equals(x.path("channel").asText()));
        assertThat(attempts(n, "outcome")).containsExactly("failed", "queued");
        assertThat(n.path("attempts").get(0).path("reason").asText()).contains("undelivered").contains("30003");
    }

    @Test
    void quietHoursHoldANotificationUntilTheyEndAndUrgentOnesGoAtOnce() {
        var local = Instant.now().atZone(ZoneId.of("America/Mexico_City"));
        DateTimeFormatter hm = DateTimeFormatter.ofPattern("HH:mm");
        profile(new Messaging(null, new Messaging.QuietHours(local.minusHours(1).format(hm), local.plusHours(2).format(hm)),
                List.of("sms"), null));
        String body = "{\"recipient\":{\"phone\":\"+15017120003\"},\"kind\":\"post_sale_reminder\","
                + "\"data\":{\"name\":\"Ana\",\"vehicle\":\"Jetta\"}}";
        JsonNode held = api("POST", "/api/v1/notifications", body).json();
        assertThat(held.path("status").asText()).isEqualTo("held");
        Instant until = Instant.parse(held.path("heldUntil").asText());
        assertThat(until).isAfter(Instant.now().plus(Duration.ofMinutes(100)));
        assertThat(scheduling.nextFire(Scheduling.NOTIFICATION, tenant, held.path("id").asText())).contains(until);

        JsonNode urgent = api("POST", "/api/v1/notifications", "{\"recipient\":{\"phone\":\"+15017120003\"},"
                + "\"kind\":\"urgent\",\"data\":{\"text\":\"Su vehículo fue retirado del taller\"}}").json();
        assertThat(urgent.path("status").asText()).isEqualTo("dispatched");

        scheduling.fireNow(Scheduling.NOTIFICATION, tenant, held.path("id").asText()); // the quiet hours end
        awaitNotification(held.path("id").asText(), x -> "dispatched".equals(x.path("status").asText()));
    }

    /** The tenant's Twilio credential no longer decrypts: SMS is skipped at once as credential-unreadable, email goes. */
    @Test
    void anUnreadableCredentialSkipsItsChannelAtOnce() {
        Map<String, Object> doc = new java.util.HashMap<>(store.get("tenants/" + tenant + "/credentials/twilio").orElseThrow().data());
        doc.put("ciphertext", java.util.Base64.getEncoder().encodeToString(new byte[48]));
        store.set("tenants/" + tenant + "/credentials/twilio", doc);
        Http.Response r = api("POST", "/api/v1/notifications", "{\"recipient\":{\"phone\":\"+15017120021\","
                + "\"email\":\"ana@example.com\"},\"kind\":\"appointment_reminder\",\"channels\":[\"sms\",\"email\"],"
                + "\"data\":{\"name\":\"Ana\",\"date\":\"mañana a las 10\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        JsonNode n = awaitNotification(r.json().path("id").asText(), x -> "email".equals(x.path("channel").asText()));
        assertThat(attempts(n, "outcome")).containsExactly("skipped", "queued");
        assertThat(attempts(n, "reason").get(0)).isEqualTo("credential-unreadable");
        assertThat(store.get("tenants/" + tenant + "/credentials/twilio").orElseThrow().field("unreadableSince")).isNotNull();
    }

    /** Twilio refuses the number and no other channel is allowed: the reminder says failed, not sent. */
    @Test
    void aReminderWhoseNotificationReachedNoChannelSaysFailed() {
        twilioAnswers(json(400, "{\"code\":21211,\"message\":\"The 'To' number is not a valid phone number.\","
                + "\"more_info\":\"https://www.twilio.com/docs/errors/21211\",\"status\":400}"));
        String notification = "{\"recipient\":{\"phone\":\"+15017120009\"},\"kind\":\"appointment_reminder\","
                + "\"channels\":[\"sms\"],\"data\":{\"name\":\"Ana\",\"date\":\"mañana a las 10\"}}";
        Http.Response r = api("POST", "/api/v1/reminders", "{\"notification\":" + notification + ",\"sendAt\":\""
                + Instant.now().plusSeconds(2) + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String id = r.json().path("reminders").get(0).path("id").asText();
        JsonNode failed = await().atMost(Duration.ofSeconds(30)).until(() -> api("GET", "/api/v1/reminders/" + id, null).json(),
                x -> "failed".equals(x.path("status").asText()));
        assertThat(failed.path("notificationId").asText()).startsWith("ntf_");
        assertThat(failed.path("notificationFailedAt").asText()).isNotEmpty();
        assertThat(api("GET", "/api/v1/notifications/" + failed.path("notificationId").asText(), null).json()
                .path("status").asText()).isEqualTo("failed");
        assertThat(api("GET", "/api/v1/reminders?status=failed", null).json().path("reminders").findValuesAsText("id"))
                .contains(id);
    }

    @Test
    void aReminderFiresOnceAndRemindersCanBeListedCancelledRescheduledOrMissed() throws Exception {
        String notification = "{\"recipient\":{\"phone\":\"+15017120004\"},\"kind\":\"appointment_reminder\","
                + "\"channels\":[\"sms\"],\"data\":{\"name\":\"Ana\",\"date\":\"mañana a las 10\"}}";
        Http.Response r = api("POST", "/api/v1/reminders", "{\"notification\":" + notification + ",\"sendAt\":\""
                + Instant.now().plusSeconds(2) + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String soon = r.json().path("reminders").get(0).path("id").asText();
        JsonNode sent = await().atMost(Duration.ofSeconds(30)).until(() -> api("GET", "/api/v1/reminders/" + soon, null).json(),
                x -> "sent".equals(x.path("status").asText()));
        assertThat(sent.path("notificationId").asText()).startsWith("ntf_");
        await().atMost(Duration.ofSeconds(20)).until(() -> PROVIDERS.findAll(postRequestedFor(urlEqualTo(twilioPath()))
                .withRequestBody(containing("To=%2B15017120004"))).size() == 1);

        String appointment = Instant.now().plus(Duration.ofHours(30)).toString();
        JsonNode two = api("POST", "/api/v1/reminders", "{\"notification\":" + notification + ",\"at\":\"" + appointment
                + "\",\"offsets\":[\"-PT24H\",\"-PT2H\"]}").json().path("reminders");
        assertThat(two).hasSize(2);
        assertThat(Instant.parse(two.get(0).path("sendAt").asText()))
                .isEqualTo(Instant.parse(appointment).minus(Duration.ofHours(24)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        String first = two.get(0).path("id").asText();
        String second = two.get(1).path("id").asText();
        assertThat(api("GET", "/api/v1/reminders?status=scheduled", null).json().path("reminders").findValuesAsText("id"))
                .contains(first, second).doesNotContain(soon);
        assertThat(api("GET", "/api/v1/reminders?status=sent", null).json().path("reminders").findValuesAsText("id"))
                .contains(soon);

        assertThat(api("DELETE", "/api/v1/reminders/" + first, null).json().path("status").asText()).isEqualTo("cancelled");
        assertThat(api("DELETE", "/api/v1/reminders/" + first, null).status()).isEqualTo(409);
        assertThat(scheduling.nextFire(Scheduling.REMINDER, tenant, first)).isEmpty();

        Instant later = Instant.parse(appointment).minus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        assertThat(api("PATCH", "/api/v1/reminders/" + second, "{\"sendAt\":\"" + later + "\"}").status()).isEqualTo(200);
        assertThat(scheduling.nextFire(Scheduling.REMINDER, tenant, second)).contains(later);

        // the gateway was down past the reminder's time by more than the allowed lateness: missed, not sent
        store.merge(Reminders.path(tenant, second), Map.of("sendAt", Instant.now().minus(Duration.ofHours(2)).toString()));
        scheduling.fireNow(Scheduling.REMINDER, tenant, second);
        JsonNode missed = await().atMost(Duration.ofSeconds(20)).until(() -> api("GET", "/api/v1/reminders/" + second, null)
                .json(), x -> "missed".equals(x.path("status").asText()));
        assertThat(missed.path("notificationId").isMissingNode()).isTrue();
        assertThat(api("POST", "/api/v1/reminders", "{\"notification\":" + notification + ",\"sendAt\":\"2020-01-01T00:00:00Z\"}")
                .status()).isEqualTo(400);
        Http.Response incomplete = api("POST", "/api/v1/reminders", "{\"notification\":" + notification.replace(
                ",\"date\":\"mañana a las 10\"", "") + ",\"sendAt\":\"" + Instant.now().plusSeconds(60) + "\"}");
        assertThat(incomplete.status()).as("refused when made, not when it fires").isEqualTo(400);
        assertThat(incomplete.json().path("detail").asText()).contains("date");
    }

    @Test
    void badNotificationsAreProblems() {
        Http.Response unknownKind = api("POST", "/api/v1/notifications", "{\"recipient\":{\"phone\":\"+15017120005\"},\"kind\":\"spam\"}");
        assertThat(unknownKind.status()).isEqualTo(400);
        Http.Response missing = api("POST", "/api/v1/notifications", "{\"recipient\":{\"phone\":\"+15017120005\"},"
                + "\"kind\":\"appointment_reminder\",\"data\":{\"name\":\"Ana\"}}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().path("detail").asText()).contains("date");
        assertThat(api("POST", "/api/v1/notifications", "{\"recipient\":{},\"kind\":\"system\",\"data\":{\"text\":\"x\"}}")
                .status()).isEqualTo(400);
        assertThat(api("GET", "/api/v1/notifications/ntf_0123456789abcdef0123456789abcdef", null).status()).isEqualTo(404);
    }
}
