package dev.pasarela.integrations.meta;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.pasarela.messaging.ConversationSink;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.security.ApiKeys;
import dev.pasarela.security.CredentialVault;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
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
 * Sending on WhatsApp, Messenger and Instagram through a Graph API stand-in that answers with
 * Meta's documented bodies: the rules checked before Meta (window, opt-out, templates), Graph
 * errors retried or ended as Meta's table says, a revoked token stopping sends at once, statuses
 * landing on our message id, templates synced and moved by webhooks, media resolved.
 */
@GatewayTest
class MetaOutboundTest {

    static final WireMockServer GRAPH = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final int RATE = 5;
    static final String WAMID = "wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA";

    static {
        GRAPH.start();
    }

    @DynamicPropertySource
    static void graph(DynamicPropertyRegistry registry) {
        registry.add("pasarela.meta.graph-base-url", GRAPH::baseUrl);
        registry.add("pasarela.whatsapp.messages-per-second", () -> String.valueOf(RATE));
    }

    @AfterAll
    static void stop() {
        GRAPH.stop();
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
    io.micrometer.core.instrument.MeterRegistry meters;

    Http http;
    String tenant;
    String phone;
    String waba;
    String page;
    String apiKey;
    String token;

    @BeforeEach
    void tenant() {
        http = new Http(port);
        String s = UUID.randomUUID().toString().replaceAll("[^0-9]", "").concat("0000000").substring(0, 7);
        tenant = "out-" + s;
        phone = "106540" + s;
        waba = "102290" + s;
        page = "113355" + s;
        tenants.upsert(tenant, new TenantProfile("Autos Salida", "enterprise", "America/Mexico_City",
                Map.of("whatsapp", phone, "whatsapp-business-account", waba, "facebook", page)));
        token = "EAAG-test-" + s;
        vault.put(tenant, "whatsapp", Map.of("accessToken", token));
        vault.put(tenant, "messenger", Map.of("accessToken", "EAAP-page-" + s));
        apiKey = apiKeys.create(tenant, "crm").key();
        GRAPH.stubFor(post(urlEqualTo("/v25.0/" + phone + "/messages"))
                .willReturn(okJson(graphFixture("send.whatsapp.json"))));
    }

    static String graphFixture(String name) {
        return MetaWebhookFlowTest.fixture("graph/" + name);
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder okJson(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder graphError(String code) {
        return aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody(graphFixture("error." + code + ".json"));
    }

    Http.Response api(String method, String path, String json, String idempotencyKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base() + path)).header("X-Api-Key", apiKey)
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        return http.send(b);
    }

    Http.Response sendWhatsApp(String json, String key) {
        return api("POST", "/api/v1/whatsapp/messages", json, key);
    }

    static String text(String to, String body) {
        return "{\"to\":\"" + to + "\",\"type\":\"text\",\"text\":{\"body\":\"" + body + "\"}}";
    }

    /** The contact writes to the tenant's number now: a signed webhook, as Meta sends it. */
    void contactWrites(String waId, String text) {
        webhook(("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"" + waba + "\",\"changes\":[{\"value\":{"
                + "\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550783881\","
                + "\"phone_number_id\":\"" + phone + "\"},\"contacts\":[{\"profile\":{\"name\":\"Ana\"},\"wa_id\":\""
                + waId + "\"}],\"messages\":[{\"from\":\"" + waId + "\",\"id\":\"wamid.in" + UUID.randomUUID()
                + "\",\"timestamp\":\"" + Instant.now().getEpochSecond() + "\",\"type\":\"text\",\"text\":{\"body\":\""
                + text + "\"}}]},\"field\":\"messages\"}]}]}"));
    }

    void webhook(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        Http.Response r = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/webhooks/meta"))
                .header("X-Hub-Signature-256", MetaWebhookFlowTest.sign(body)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        assertThat(r.status()).isEqualTo(200);
    }

    void statusWebhook(String wamid, String status, long at, String waId) {
        webhook("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"" + waba + "\",\"changes\":[{\"value\":{"
                + "\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550783881\","
                + "\"phone_number_id\":\"" + phone + "\"},\"statuses\":[{\"id\":\"" + wamid + "\",\"status\":\"" + status
                + "\",\"timestamp\":\"" + at + "\",\"recipient_id\":\"" + waId + "\",\"pricing\":{\"billable\":true,"
                + "\"pricing_model\":\"PMP\",\"category\":\"service\",\"type\":\"free_customer_service\"}}]},"
                + "\"field\":\"messages\"}]}]}");
    }

    void awaitWindowOpen(String waId) {
        await().atMost(Duration.ofSeconds(20)).until(() -> store.get(ConversationSink.conversationPath(tenant, "whatsapp",
                waId)).map(d -> d.field("lastInboundAt")).isPresent());
    }

    JsonNode message(String id) {
        Http.Response r = api("GET", "/api/v1/messages/" + id, null, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    JsonNode awaitStatus(String id, String status) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> message(id),
                m -> status.equals(m.path("status").asText()));
    }

    static List<String> history(JsonNode message) {
        return StreamSupport.stream(message.path("statusHistory").spliterator(), false)
                .map(h -> h.path("status").asText()).toList();
    }

    int graphSends() {
        return GRAPH.findAll(postRequestedFor(urlEqualTo("/v25.0/" + phone + "/messages"))).size();
    }

    @Test
    void aTextInsideTheWindowIsSentWithTheTenantsTokenAndItsStatusesLandOnOurId() {
        contactWrites("5215512345678", "Hola, sigue disponible el Jetta?");
        awaitWindowOpen("5215512345678");

        Http.Response r = sendWhatsApp(text("+5215512345678", "Sí, ¿quiere agendar una prueba de manejo?"), null);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String id = r.json().path("id").asText();
        assertThat(r.raw().headers().firstValue("Location")).contains("/api/v1/messages/" + id);

        JsonNode sent = awaitStatus(id, "submitted");
        assertThat(sent.path("providerMessageId").asText()).isEqualTo(WAMID);
        GRAPH.verify(postRequestedFor(urlEqualTo("/v25.0/" + phone + "/messages"))
                .withHeader("Authorization", equalTo("Bearer " + token))
                .withRequestBody(matchingJsonPath("$.messaging_product", equalTo("whatsapp")))
                .withRequestBody(matchingJsonPath("$.to", equalTo("+5215512345678")))
                .withRequestBody(matchingJsonPath("$.text.body", equalTo("Sí, ¿quiere agendar una prueba de manejo?")))
                .withRequestBody(matchingJsonPath("$.biz_opaque_callback_data", equalTo(id))));

        // Meta's statuses arrive out of order: read before delivered, sent last
        long now = Instant.now().getEpochSecond();
        statusWebhook(WAMID, "read", now + 2, "5215512345678");
        statusWebhook(WAMID, "delivered", now + 1, "5215512345678");
        statusWebhook(WAMID, "sent", now, "5215512345678");
        statusWebhook(WAMID, "delivered", now + 1, "5215512345678"); // Meta's retry of the same status
        JsonNode read = await().atMost(Duration.ofSeconds(20)).until(() -> message(id),
                m -> history(m).containsAll(List.of("sent", "delivered", "read")));
        assertThat(read.path("status").asText()).isEqualTo("read");
        // in time order; Meta's times are whole seconds, so "sent" may sort before our own entries
        assertThat(history(read)).containsExactlyInAnyOrder("accepted", "submitted", "sent", "delivered", "read");
        assertThat(history(read).stream().filter(List.of("sent", "delivered", "read")::contains).toList())
                .containsExactly("sent", "delivered", "read");
    }

    /** GraphApi is built from Boot's RestClient.Builder, so its calls are timed like any client request. */
    @Test
    void graphCallsAreTimedAsHttpClientRequests() {
        contactWrites("5215512340011", "Hola");
        awaitWindowOpen("5215512340011");
        long before = graphPostsTimed();
        String id = sendWhatsApp(text("+5215512340011", "Hola"), null).json().path("id").asText();
        awaitStatus(id, "submitted");
        assertThat(graphPostsTimed()).isGreaterThan(before);
    }

    long graphPostsTimed() {
        io.micrometer.core.instrument.Timer timer = meters.find("http.client.requests").tag("client.name", "localhost")
                .tag("method", "POST").tag("status", "200").tag("outcome", "SUCCESS").timer();
        return timer == null ? 0 : timer.count();
    }

    @Test
    void sendsFromOneNumberAreShapedToItsRateAndNoneFails() {
        contactWrites("5215512340009", "Hola");
        awaitWindowOpen("5215512340009");
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 4 * RATE; i++) {
            Http.Response r = sendWhatsApp(text("+5215512340009", "Aviso " + i), null);
            assertThat(r.status()).as(r.body()).isEqualTo(202);
            ids.add(r.json().path("id").asText());
        }
        ids.forEach(id -> awaitStatus(id, "submitted"));
        List<Long> at = GRAPH.findAll(postRequestedFor(urlEqualTo("/v25.0/" + phone + "/messages")))
                .stream().map(r -> r.getLoggedDate().getTime()).sorted().toList();
        assertThat(at).hasSize(4 * RATE);
        // without shaping, 4 consumers send all 20 in a burst; with it, no second holds more than
        // the rate (twice the rate allowed here, for where the throttle's periods fall)
        for (int i = 0; i < at.size(); i++) {
            long start = at.get(i);
            assertThat(at.stream().filter(t -> t >= start && t < start + 1000).count()).isLessThanOrEqualTo(2L * RATE);
        }
    }

    @Test
    void outsideTheWindowFreeFormIsRefusedWith422AndATemplateGoesOut() {
        Http.Response refused = sendWhatsApp(text("+5215500000001", "¿Sigue interesado?"), null);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().path("type").asText()).endsWith("/template-required");
        assertThat(refused.body()).doesNotContain("5215500000001"); // a phone number is personal data
        assertThat(graphSends()).isZero();

        Http.Response template = sendWhatsApp("{\"to\":\"+5215500000001\",\"type\":\"template\",\"template\":{"
                + "\"name\":\"recordatorio_cita\",\"language\":\"es_MX\",\"components\":[{\"type\":\"body\","
                + "\"parameters\":[{\"type\":\"text\",\"text\":\"Ana\"},{\"type\":\"text\",\"text\":\"12 de diciembre\"}]}]}}",
                null);
        assertThat(template.status()).as(template.body()).isEqualTo(202);
        awaitStatus(template.json().path("id").asText(), "submitted");
        GRAPH.verify(postRequestedFor(urlEqualTo("/v25.0/" + phone + "/messages"))
                .withRequestBody(matchingJsonPath("$.template.name", equalTo("recordatorio_cita")))
                .withRequestBody(matchingJsonPath("$.template.language.code", equalTo("es_MX")))
                .withRequestBody(matchingJsonPath("$.template.components[0].parameters[1].text", equalTo("12 de diciembre"))));
    }

    @Test
    void anIdempotencyKeyGetsItsFirstAnswerAndOneSendAndOneQuotaUnit() {
        contactWrites("5215512340001", "Hola");
        awaitWindowOpen("5215512340001");
        String body = text("+5215512340001", "Su cita es mañana a las 10");
        Http.Response first = sendWhatsApp(body, "cita-42");
        Http.Response again = sendWhatsApp(body, "cita-42");
        assertThat(first.status()).isEqualTo(202);
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().path("id").asText()).isEqualTo(first.json().path("id").asText());
        assertThat(again.raw().headers().firstValue("Idempotent-Replayed")).contains("true");
        Http.Response other = sendWhatsApp(text("+5215512340001", "Otro texto"), "cita-42");
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.json().path("type").asText()).endsWith("/idempotency-key-reused");

        awaitStatus(first.json().path("id").asText(), "submitted");
        assertThat(graphSends()).isEqualTo(1);
        JsonNode usage = api("GET", "/api/v1/usage", null, null).json();
        assertThat(usage.path("channels").path("whatsapp").path("used").asLong()).isEqualTo(1);
    }

    @Test
    void graphRateLimitsAreRetriedUntilMetaTakesTheMessage() {
        contactWrites("5215512340002", "Hola");
        awaitWindowOpen("5215512340002");
        GRAPH.stubFor(post(urlEqualTo("/v25.0/" + phone + "/messages")).inScenario("throughput-" + phone)
                .whenScenarioStateIs(Scenario.STARTED).willReturn(graphError("130429")).willSetStateTo("second"));
        GRAPH.stubFor(post(urlEqualTo("/v25.0/" + phone + "/messages")).inScenario("throughput-" + phone)
                .whenScenarioStateIs("second").willReturn(graphError("130429")).willSetStateTo("third"));
        GRAPH.stubFor(post(urlEqualTo("/v25.0/" + phone + "/messages")).inScenario("throughput-" + phone)
                .whenScenarioStateIs("third").willReturn(okJson(graphFixture("send.whatsapp.json"))));

        String id = sendWhatsApp(text("+5215512340002", "Le llamamos en 5 minutos"), null).json().path("id").asText();
        awaitStatus(id, "submitted");
        assertThat(graphSends()).isEqualTo(3);
        assertThat(http.ops("GET", "/ops/dlq/dlq.whatsapp.out.deliver", null).body()).doesNotContain(id);
    }

    @Test
    void anUndeliverableNumberEndsTheMessageWithMetasCodeAndNoDeadLetter() {
        contactWrites("5215512340003", "Hola");
        awaitWindowOpen("5215512340003");
        GRAPH.stubFor(post(urlEqualTo("/v25.0/" + phone + "/messages")).willReturn(graphError("131026")));
        String id = sendWhatsApp(text("+5215512340003", "Hola"), null).json().path("id").asText();
        JsonNode failed = awaitStatus(id, "failed");
        JsonNode last = failed.path("statusHistory").get(failed.path("statusHistory").size() - 1);
        assertThat(last.path("errorCode").asText()).isEqualTo("131026");
        assertThat(last.path("errorTitle").asText()).contains("not a WhatsApp phone number");
        assertThat(graphSends()).isEqualTo(1); // not retried
        assertThat(http.ops("GET", "/ops/dlq/dlq.whatsapp.out.deliver", null).body()).doesNotContain(tenant);
    }

    @Test
    void aRevokedTokenStopsSendsAtOnceAndTheDeadLettersReplayOnceANewTokenIsStored() {
        contactWrites("5215512340004", "Hola");
        awaitWindowOpen("5215512340004");
        GRAPH.stubFor(post(urlEqualTo("/v25.0/" + phone + "/messages"))
                .withHeader("Authorization", equalTo("Bearer " + token)).willReturn(graphError("190")));
        String first = sendWhatsApp(text("+5215512340004", "Uno"), null).json().path("id").asText();
        JsonNode failed = awaitStatus(first, "failed");
        assertThat(failed.path("error").path("code").asText()).isEqualTo("190");
        String second = sendWhatsApp(text("+5215512340004", "Dos"), null).json().path("id").asText();
        awaitStatus(second, "failed");
        assertThat(graphSends()).as("no retry storm: one call, then refused without asking Meta").isEqualTo(1);

        JsonNode dlq = await().atMost(Duration.ofSeconds(20)).until(
                () -> http.ops("GET", "/ops/dlq/dlq.whatsapp.out.deliver", null).json(),
                d -> StreamSupport.stream(d.spliterator(), false).filter(m -> tenant.equals(m.path("tenantId").asText()))
                        .count() == 2);
        assertThat(dlq.toString()).contains("revoked").doesNotContain(token);
        assertThat(store.get(MetaAccounts.statusPath(tenant, "whatsapp")).orElseThrow().field("revokedToken.code"))
                .isEqualTo(190L);

        String fresh = token + "-renewed";
        vault.put(tenant, "whatsapp", Map.of("accessToken", fresh));
        GRAPH.stubFor(post(urlEqualTo("/v25.0/" + phone + "/messages"))
                .withHeader("Authorization", equalTo("Bearer " + fresh)).willReturn(okJson(graphFixture("send.whatsapp.json"))));
        List<String> ids = StreamSupport.stream(dlq.spliterator(), false)
                .filter(m -> tenant.equals(m.path("tenantId").asText())).map(m -> m.path("id").asText()).toList();
        Http.Response replay = http.ops("POST", "/ops/dlq/dlq.whatsapp.out.deliver/replay",
                "{\"ids\":[\"" + String.join("\",\"", ids) + "\"]}");
        assertThat(replay.json().path("replayed").asInt()).isEqualTo(2);
        awaitStatus(first, "submitted");
        awaitStatus(second, "submitted");
        assertThat(history(message(first))).containsExactly("accepted", "failed", "submitted");
    }

    @Test
    void aContactWhoWritesAStopWordIsNotSentToUntilTheyWriteAgain() {
        contactWrites("5215512340005", "BAJA");
        await().atMost(Duration.ofSeconds(20)).until(() -> store.get(ConversationSink.conversationPath(tenant, "whatsapp",
                "5215512340005")).map(d -> Boolean.TRUE.equals(d.field("optedOut"))).orElse(false));
        Http.Response refused = sendWhatsApp(text("+5215512340005", "¿Seguro?"), null);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().path("type").asText()).endsWith("/recipient-opted-out");
        assertThat(refused.body()).doesNotContain("5215512340005");

        contactWrites("5215512340005", "Perdón, sí quiero la cotización");
        await().atMost(Duration.ofSeconds(20)).until(() -> store.get(ConversationSink.conversationPath(tenant, "whatsapp",
                "5215512340005")).map(d -> Boolean.FALSE.equals(d.field("optedOut"))).orElse(false));
        assertThat(sendWhatsApp(text("+5215512340005", "Con gusto"), null).status()).isEqualTo(202);
    }

    @Test
    void templatesAreSyncedOnceCachedMovedByWebhooksAndSubmittedForReview() {
        String path = "/v25.0/" + waba + "/message_templates";
        GRAPH.stubFor(get(urlPathEqualTo(path)).withQueryParam("after", equalTo("MQZDZD"))
                .willReturn(okJson(graphFixture("templates.page2.json"))));
        GRAPH.stubFor(get(urlPathEqualTo(path)).withQueryParam("limit", equalTo("100")).atPriority(10)
                .willReturn(okJson(graphFixture("templates.page1.json"))));
        JsonNode listing = api("GET", "/api/v1/whatsapp/templates", null, null).json();
        assertThat(listing.path("templates").findValuesAsText("name")).containsExactly("recordatorio_cita", "seasonal_promotion");
        api("GET", "/api/v1/whatsapp/templates", null, null);
        assertThat(GRAPH.findAll(getRequestedFor(urlPathEqualTo(path))).size()).as("second listing from the cache").isEqualTo(2);

        webhook(MetaWebhookFlowTest.fixture("whatsapp.template_status.json").replace("102290129340398", waba));
        await().atMost(Duration.ofSeconds(20)).until(() -> api("GET", "/api/v1/whatsapp/templates", null, null).json()
                .path("templates").toString().contains("INVALID_FORMAT"));
        Http.Response paused = sendWhatsApp("{\"to\":\"+5215500000002\",\"type\":\"template\",\"template\":{"
                + "\"name\":\"seasonal_promotion\",\"language\":\"en_US\"}}", null);
        assertThat(paused.status()).isEqualTo(422);
        assertThat(paused.json().path("detail").asText()).contains("REJECTED");

        GRAPH.stubFor(post(urlEqualTo(path)).willReturn(okJson(graphFixture("template.created.json"))));
        Http.Response created = api("POST", "/api/v1/whatsapp/templates", "{\"name\":\"confirmacion_entrega\","
                + "\"language\":\"es_MX\",\"category\":\"UTILITY\",\"components\":[{\"type\":\"BODY\",\"text\":"
                + "\"Hola {{1}}, su auto está listo.\",\"example\":{\"body_text\":[[\"Ana\"]]}}]}", null);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("status").asText()).isEqualTo("PENDING");
        GRAPH.verify(postRequestedFor(urlEqualTo(path)).withRequestBody(matchingJsonPath("$.category", equalTo("UTILITY"))));
        assertThat(api("POST", "/api/v1/whatsapp/templates", "{\"name\":\"Bad Name\",\"language\":\"es_MX\","
                + "\"category\":\"UTILITY\",\"components\":[{\"type\":\"BODY\",\"text\":\"x\"}]}", null).status()).isEqualTo(400);
    }

    @Test
    void metasManagementRateLimitIsA429AndAStaleCacheIsServedWhenMetaIsDown() {
        String path = "/v25.0/" + waba + "/message_templates";
        GRAPH.stubFor(get(urlPathEqualTo(path)).willReturn(graphError("80007")));
        Http.Response limited = api("GET", "/api/v1/whatsapp/templates", null, null);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.raw().headers().firstValue("Retry-After")).isPresent();

        GRAPH.stubFor(get(urlPathEqualTo(path)).willReturn(okJson(graphFixture("templates.page2.json"))));
        assertThat(api("GET", "/api/v1/whatsapp/templates", null, null).json().path("stale").asBoolean()).isFalse();
        GRAPH.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(503)));
        JsonNode stale = api("GET", "/api/v1/whatsapp/templates?refresh=true", null, null).json();
        assertThat(stale.path("stale").asBoolean()).isTrue();
        assertThat(stale.path("templates").findValuesAsText("name")).containsExactly("recordatorio_cita");
    }

    @Test
    void inboundMediaIsResolvedThroughTheGraphApiAndKeptWithTheMessage() {
        GRAPH.stubFor(get(urlEqualTo("/v25.0/1003383421387256")).withHeader("Authorization", equalTo("Bearer " + token))
                .willReturn(okJson(graphFixture("media.json"))));
        webhook(MetaWebhookFlowTest.fixture("whatsapp.image.json").replace("106540352242922", phone));
        String path = ConversationSink.conversationPath(tenant, "whatsapp", "16505551234")
                + "/messages/wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBRDQ3OEQ3N0Q0QTRBOUUyQwA=";
        var message = await().atMost(Duration.ofSeconds(20)).until(() -> store.get(path), java.util.Optional::isPresent).get();
        assertThat(message.field("content.mediaId")).isEqualTo("1003383421387256");
        assertThat((String) message.field("content.media.url")).startsWith("https://lookaside.fbsbx.com/");
        assertThat(message.field("content.media.mimeType")).isEqualTo("image/jpeg");
        assertThat(message.field("content.media.fileSize")).isEqualTo(303833L);
    }

    @Test
    void messengerSendsInsideTheWindowAndNeedsATagOutsideIt() {
        String psid = "1254477" + tenant.substring(4);
        GRAPH.stubFor(post(urlEqualTo("/v25.0/" + page + "/messages")).willReturn(okJson(graphFixture("send.messenger.json"))));
        Http.Response refused = api("POST", "/api/v1/messenger/messages",
                "{\"to\":\"" + psid + "\",\"text\":{\"body\":\"Hola\"}}", null);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().path("type").asText()).endsWith("/message-tag-required");
        assertThat(refused.body()).doesNotContain(psid);

        Http.Response tagged = api("POST", "/api/v1/messenger/messages",
                "{\"to\":\"" + psid + "\",\"text\":{\"body\":\"Su auto está listo\"},\"tag\":\"POST_PURCHASE_UPDATE\"}", null);
        assertThat(tagged.status()).as(tagged.body()).isEqualTo(202);
        JsonNode sent = awaitStatus(tagged.json().path("id").asText(), "submitted");
        assertThat(sent.path("providerMessageId").asText()).startsWith("AG5Hz2Uq7tuw");
        GRAPH.verify(postRequestedFor(urlEqualTo("/v25.0/" + page + "/messages"))
                .withRequestBody(matchingJsonPath("$.recipient.id", equalTo(psid)))
                .withRequestBody(matchingJsonPath("$.messaging_type", equalTo("MESSAGE_TAG")))
                .withRequestBody(matchingJsonPath("$.message.text", equalTo("Su auto está listo"))));
    }

    @Test
    void badRequestsAreProblemsAndOtherTenantsMessagesAreNotFound() {
        Http.Response bad = sendWhatsApp("{\"to\":\"5512345678\",\"type\":\"text\",\"text\":{\"body\":\"x\"}}", null);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("detail").asText()).contains("E.164");
        assertThat(sendWhatsApp("{\"to\":\"+5215512345678\",\"type\":\"sticker\"}", null).status()).isEqualTo(400);
        assertThat(api("GET", "/api/v1/messages/msg_0123456789abcdef0123456789abcdef", null, null).status()).isEqualTo(404);
        assertThat(api("GET", "/api/v1/messages/..%2F..%2Fapi", null, null).status()).isIn(400, 404);
    }
}
