package dev.pasarela.integrations.ai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.pasarela.support.AiStandIns.ANTHROPIC_MESSAGES;
import static dev.pasarela.support.AiStandIns.OPENAI_CHAT;
import static dev.pasarela.support.AiStandIns.OPENAI_MODERATIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.pasarela.security.ApiKeys;
import dev.pasarela.security.CredentialVault;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.support.AiStandIns;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The AI endpoints through the whole gateway, against stand-ins answering as OpenAI and Anthropic
 * document (their success bodies, error bodies and rate-limit headers): the production SDK clients
 * are what is tested, with only their base URLs changed. Also one automatic reply end to end: a
 * signed WhatsApp webhook, moderated by the OpenAI stand-in, handed to a person.
 */
@GatewayTest
@ExtendWith(OutputCaptureExtension.class)
class AiEndpointsTest {

    static final WireMockServer STANDIN = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CLASSIFICATION = "{\"intent\":\"tasacion\",\"urgency\":\"baja\",\"vehicle\":\"Volkswagen Tiguan\","
            + "\"confidence\":0.93,\"wantsHuman\":false}";

    static {
        STANDIN.start();
    }

    @DynamicPropertySource
    static void standIns(DynamicPropertyRegistry registry) {
        registry.add("pasarela.ai.openai.base-url", () -> STANDIN.baseUrl() + "/v1");
        registry.add("pasarela.ai.anthropic.base-url", STANDIN::baseUrl);
        registry.add("pasarela.meta.graph-base-url", STANDIN::baseUrl);
        registry.add("pasarela.plans-file", () -> "classpath:plans/ai-test.yml");
        registry.add("pasarela.ai.retry.initial-backoff", () -> "PT0.05S");
        registry.add("pasarela.ai.retry.max-wait", () -> "PT3S");
        registry.add("pasarela.ai.max-input-chars", () -> "2000");
    }

    @AfterAll
    static void stop() {
        STANDIN.stop();
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
    AiSettingsStore settings;

    Http http;
    String tenant;
    String apiKey;
    String openAiKey;
    String anthropicKey;

    @BeforeEach
    void tenant() {
        STANDIN.resetAll();
        http = new Http(port);
        String s = UUID.randomUUID().toString().replaceAll("[^0-9]", "").concat("0000000").substring(0, 7);
        tenant = "ia-" + s;
        // keys of this tenant only, so one test's breaker never opens for another's
        openAiKey = AiStandIns.OPENAI_KEY + s;
        anthropicKey = AiStandIns.ANTHROPIC_KEY + s;
        tenants.upsert(tenant, new TenantProfile("Autos García", "ai", "Europe/Madrid", Map.of()));
        vault.put(tenant, "openai", Map.of("apiKey", openAiKey));
        vault.put(tenant, "anthropic", Map.of("apiKey", anthropicKey));
        apiKey = apiKeys.create(tenant, "crm").key();
    }

    Http.Response call(String path, String body) {
        return http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/ai/" + path))
                .header("X-Api-Key", apiKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    long aiTokensUsed() {
        return http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/usage")).header("X-Api-Key", apiKey).GET())
                .json().path("channels").path("ai-tokens").path("used").asLong();
    }

    static JsonNode body(LoggedRequest r) {
        try {
            return JSON.readTree(r.getBodyAsString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    List<LoggedRequest> requests(String path) {
        return STANDIN.findAll(postRequestedFor(urlPathEqualTo(path)));
    }

    @Test
    void aListingIsWrittenInSpanishFromTheVehicleDataAndItsTokensAreCharged() {
        AiStandIns.openAiChatText(STANDIN, "SEAT León FR de 2021 con 38.000 km, gasolina, navegador y cámara trasera. "
                + "Un compacto deportivo cuidado, listo para entregar.");

        Http.Response r = call("generate", """
                {"kind":"listing","tone":"cercano","length":"corta","vehicle":{"make":"SEAT","model":"León FR",
                 "year":2021,"km":38000,"fuel":"gasolina","price":18900,"equipment":["navegador","cámara trasera"]}}""");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("text").asText()).startsWith("SEAT León FR de 2021");
        assertThat(r.json().path("language").asText()).isEqualTo("es");
        assertThat(r.json().path("truncated").asBoolean()).isFalse();
        JsonNode sent = body(requests(OPENAI_CHAT).get(0));
        assertThat(sent.path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(sent.path("messages").get(0).path("content").asText()).contains("Idioma: español", "Tono: cercano",
                "unas 50 palabras");
        assertThat(sent.path("messages").get(1).path("content").asText()).contains("Marca: SEAT", "Kilómetros: 38000",
                "Precio: 18900 EUR", "Equipamiento: navegador, cámara trasera");
        assertThat(requests(OPENAI_CHAT).get(0).getHeader("Authorization")).isEqualTo("Bearer " + openAiKey);
        assertThat(aiTokensUsed()).isEqualTo(118); // the fixture's prompt 87 + completion 31

        Http.Response metrics = http.ops("GET", "/actuator/prometheus", null);
        assertThat(metrics.body()).containsPattern("pasarela_ai_tokens_total\\{direction=\"input\",provider=\"openai\","
                + "tenant=\"" + tenant + "\",use_case=\"generate\"} 87.0");
    }

    @Test
    void aLeadIsClassifiedByTheModelsSchemaBoundAnswer() {
        AiStandIns.openAiChatJson(STANDIN, CLASSIFICATION);

        Http.Response r = call("classify-lead", """
                {"messages":[{"from":"customer","text":"Hola, ¿tenéis el Tiguan en gris?"},
                             {"from":"dealer","text":"Sí, tenemos dos unidades."},
                             {"from":"customer","text":"¿Me tasáis mi Golf del 2015 para dejarlo a cuenta?"}]}""");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("intent").asText()).isEqualTo("tasacion");
        assertThat(r.json().path("vehicle").asText()).isEqualTo("Volkswagen Tiguan");
        assertThat(r.json().path("method").asText()).isEqualTo("llm");
        JsonNode sent = body(requests(OPENAI_CHAT).get(0));
        assertThat(sent.at("/response_format/type").asText()).isEqualTo("json_schema");
        assertThat(sent.at("/response_format/json_schema/strict").asBoolean()).isTrue();
        assertThat(sent.at("/response_format/json_schema/schema/properties/intent/enum").toString())
                .contains("compra", "financiacion", "tasacion", "cita", "posventa", "otro");
        assertThat(sent.at("/messages/1/content").asText()).contains("Cliente: ¿Me tasáis mi Golf", "Concesionario: Sí");
    }

    @Test
    void openAiUnavailableOnEveryAttemptFailsOverToAnthropic() {
        AiStandIns.openAiError(STANDIN, OPENAI_CHAT, 503, "error.503.overloaded.json");
        AiStandIns.anthropicToolUse(STANDIN, "sentiment", "{\"sentiment\":\"negative\",\"score\":-0.7,"
                + "\"reason\":\"El cliente se queja del retraso en la entrega.\"}");

        Http.Response r = call("sentiment", "{\"text\":\"Llevo tres semanas esperando el coche y nadie me llama.\"}");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("sentiment").asText()).isEqualTo("negative");
        assertThat(r.json().path("model").asText()).startsWith("claude");
        assertThat(requests(OPENAI_CHAT)).hasSize(3); // pasarela.ai.retry.max-attempts
        LoggedRequest anthropic = requests(ANTHROPIC_MESSAGES).get(0);
        assertThat(anthropic.getHeader("x-api-key")).isEqualTo(anthropicKey);
        assertThat(anthropic.getHeader("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(body(anthropic).at("/tool_choice/name").asText()).isEqualTo("sentiment");
        assertThat(aiTokensUsed()).isEqualTo(412 + 58); // only the answer that came is charged
    }

    @Test
    void aRateLimitIsRetriedAfterTheWaitTheProviderAsksFor() {
        AiStandIns.sequence(STANDIN, OPENAI_CHAT,
                AiStandIns.openAiErrorAnswer(429, "error.429.rate_limit_exceeded.json", "retry-after", "1",
                        "x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "1s"),
                AiStandIns.openAiChatAnswer("{\"sentiment\":\"positive\",\"score\":0.8,\"reason\":\"Agradece la atención.\"}", "stop"));

        Http.Response r = call("sentiment", "{\"text\":\"Muchas gracias, todo perfecto con la entrega.\"}");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<LoggedRequest> calls = requests(OPENAI_CHAT);
        assertThat(calls).hasSize(2);
        assertThat(requests(ANTHROPIC_MESSAGES)).isEmpty();
        long waited = calls.get(1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime();
        assertThat(waited).as("the second try waits the provider's retry-after").isGreaterThanOrEqualTo(900);
    }

    @Test
    void aRefusedKeyIsA502NamingTheProvidersErrorTypeWithoutFailoverOrTheKey(CapturedOutput output) {
        AiStandIns.openAiError(STANDIN, OPENAI_CHAT, 401, "error.401.invalid_api_key.json");
        AiStandIns.anthropicToolUse(STANDIN, "sentiment", "{\"sentiment\":\"neutral\",\"score\":0,\"reason\":\"x\"}");
        String text = "Soy Lucía Fernández, mi teléfono es el 612 345 678, ¿me llamáis?";

        Http.Response r = call("sentiment", JSON.createObjectNode().put("text", text).toString());

        assertThat(r.status()).isEqualTo(502);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("type").asText()).endsWith("/ai-provider-unauthorized");
        assertThat(r.json().path("detail").asText()).contains("openai", "401", "invalid_api_key");
        assertThat(r.body()).doesNotContain(openAiKey).doesNotContain("612 345 678");
        assertThat(requests(OPENAI_CHAT)).hasSize(1); // a wrong key is not retried
        assertThat(requests(ANTHROPIC_MESSAGES)).isEmpty(); // nor failed over: an operator must fix it
        assertThat(output.getAll()).doesNotContain(openAiKey).doesNotContain(AiStandIns.OPENAI_KEY)
                .doesNotContain("612 345 678").doesNotContain("Lucía Fernández");
    }

    @Test
    void anAnswerThatBreaksTheSchemaIsAskedForOnceMoreThenIsA502() {
        AiStandIns.sequence(STANDIN, OPENAI_CHAT,
                AiStandIns.openAiChatAnswer("{\"intent\":\"comprar\",\"urgency\":\"baja\",\"vehicle\":null,"
                        + "\"confidence\":0.8,\"wantsHuman\":false}", "stop"),
                AiStandIns.openAiChatAnswer(CLASSIFICATION, "stop"));
        Http.Response fixed = call("classify-lead", "{\"text\":\"Quiero tasar mi coche\"}");
        assertThat(fixed.status()).as(fixed.body()).isEqualTo(200);
        assertThat(fixed.json().path("intent").asText()).isEqualTo("tasacion");

        STANDIN.resetAll();
        AiStandIns.openAiChatJson(STANDIN, "{\"intent\":\"tasacion\",\"urgency\":\"baja\"");  // cut JSON
        Http.Response broken = call("classify-lead", "{\"text\":\"Quiero tasar mi coche\"}");
        assertThat(broken.status()).isEqualTo(502);
        assertThat(broken.json().path("type").asText()).endsWith("/ai-invalid-answer");
        assertThat(requests(OPENAI_CHAT)).hasSize(2);
        assertThat(aiTokensUsed()).isEqualTo(4 * 118); // every answer the provider gave is charged
    }

    @Test
    void whileNoProviderAnswersALeadIsStillClassifiedInProcessAndSaysSo() {
        AiStandIns.openAiError(STANDIN, OPENAI_CHAT, 500, "error.500.server_error.json");
        AiStandIns.anthropicError(STANDIN, 529, "error.529.overloaded_error.json");

        Http.Response r = call("classify-lead", "{\"text\":\"¿Qué cuota me sale financiando el Corolla a 60 meses?\"}");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("method").asText()).isEqualTo("embeddings");
        assertThat(requests(OPENAI_CHAT)).hasSize(3);
        assertThat(requests(ANTHROPIC_MESSAGES)).hasSize(3);
        assertThat(aiTokensUsed()).isZero();
    }

    @Test
    void aSpentMonthIsA429NamingTheQuotaBeforeAnyProviderIsCalled() {
        String month = DateTimeFormatter.ofPattern("yyyy-MM").format(ZonedDateTime.now(ZoneId.of("Europe/Madrid")));
        store.set("tenants/" + tenant + "/usage/" + month, Map.of("month", month, "channels", Map.of("ai-tokens", 100000)));
        AiStandIns.openAiChatText(STANDIN, "no debería llamarse");

        Http.Response r = call("generate", "{\"kind\":\"social-post\",\"vehicle\":{\"make\":\"Toyota\",\"model\":\"Corolla\",\"year\":2022}}");

        assertThat(r.status()).isEqualTo(429);
        assertThat(r.json().path("type").asText()).endsWith("/quota-exhausted/ai-tokens");
        assertThat(r.raw().headers().firstValue("Retry-After")).isPresent();
        assertThat(STANDIN.getAllServeEvents()).isEmpty();
    }

    @Test
    void aPlanWithoutAiIsA403() {
        tenants.upsert(tenant, new TenantProfile("Autos García", "no-ai", "Europe/Madrid", Map.of()));

        Http.Response r = call("sentiment", "{\"text\":\"Hola\"}");

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().path("type").asText()).endsWith("/plan-excludes-ai");
        assertThat(STANDIN.getAllServeEvents()).isEmpty();
    }

    @Test
    void badInputIsRefusedWithTheRuleItBreaks() {
        Http.Response empty = call("sentiment", "{\"text\":\"  \"}");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().path("detail").asText()).contains("text");

        Http.Response tooLong = call("moderate", JSON.createObjectNode().put("text", "á".repeat(2001)).toString());
        assertThat(tooLong.status()).isEqualTo(413);
        assertThat(tooLong.json().path("type").asText()).endsWith("/input-too-large");

        Http.Response tone = call("generate", "{\"kind\":\"listing\",\"tone\":\"gracioso\",\"vehicle\":{\"make\":\"Kia\","
                + "\"model\":\"Niro\",\"year\":2023}}");
        assertThat(tone.status()).isEqualTo(400);
        assertThat(tone.json().path("detail").asText())
                .contains("tone", "profesional", "cercano", "entusiasta", "premium", "juvenil");

        Http.Response kind = call("generate", "{\"kind\":\"poema\",\"vehicle\":{\"make\":\"Kia\",\"model\":\"Niro\",\"year\":2023}}");
        assertThat(kind.status()).isEqualTo(400);
        assertThat(kind.json().path("detail").asText()).contains("listing", "social-post");

        Http.Response huge = call("generate", "{\"kind\":\"listing\",\"vehicle\":{\"make\":\"Kia\",\"model\":\"Niro\","
                + "\"year\":2023,\"price\":1e999999999}}");
        assertThat(huge.status()).isEqualTo(400);
        assertThat(huge.json().path("detail").asText()).contains("price");

        Http.Response neither = call("classify-lead", "{}");
        assertThat(neither.status()).isEqualTo(400);
        assertThat(neither.json().path("detail").asText()).contains("text or messages");
        assertThat(STANDIN.getAllServeEvents()).isEmpty();
    }

    @Test
    void moderationGivesEveryCategoryWithItsScore() {
        AiStandIns.openAiModeration(STANDIN);

        Http.Response r = call("moderate", "{\"text\":\"Como no me devolváis la señal os vais a enterar.\"}");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("flagged").asBoolean()).isTrue();
        assertThat(r.json().path("categories").size()).isEqualTo(13);
        assertThat(r.json().at("/categories/harassment~1threatening/flagged").asBoolean()).isTrue();
        assertThat(r.json().at("/categories/harassment~1threatening/score").asDouble()).isGreaterThan(0.5);
        assertThat(body(requests(OPENAI_MODERATIONS).get(0)).path("model").asText()).isEqualTo("omni-moderation-latest");
    }

    @Test
    void withoutAnyKeyEmbeddingsAndClassificationComeFromTheLocalModel() {
        vault.delete(tenant, "openai");
        vault.delete(tenant, "anthropic");

        Http.Response e = call("embeddings", "{\"input\":[\"¿Tenéis financiación a 60 meses?\",\"Quiero pedir cita para la ITV\"]}");
        assertThat(e.status()).as(e.body()).isEqualTo(200);
        assertThat(e.json().path("provider").asText()).isEqualTo("local");
        assertThat(e.json().path("dimensions").asInt()).isEqualTo(384);
        assertThat(e.json().path("data").size()).isEqualTo(2);

        Http.Response c = call("classify-lead", "{\"text\":\"¿Cuánto me daríais por mi coche si lo dejo a cuenta?\"}");
        assertThat(c.status()).as(c.body()).isEqualTo(200);
        assertThat(c.json().path("method").asText()).isEqualTo("embeddings");
        assertThat(c.json().path("confidence").asDouble()).isBetween(0.0, 1.0);

        Http.Response s = call("sentiment", "{\"text\":\"Hola\"}");
        assertThat(s.status()).isEqualTo(503);
        assertThat(s.json().path("type").asText()).endsWith("/ai-not-configured");
        assertThat(s.json().path("detail").asText()).contains("OPENAI_API_KEY", "ANTHROPIC_API_KEY");
        assertThat(STANDIN.getAllServeEvents()).isEmpty();
        assertThat(aiTokensUsed()).isZero();
    }

    @Test
    void aFlaggedWhatsAppMessageIsHandedToAPersonWithoutAReply(CapturedOutput output) {
        String phone = "106541" + tenant.substring(3);
        tenants.upsert(tenant, new TenantProfile("Autos García", "ai", "Europe/Madrid", Map.of("whatsapp", phone),
                STANDIN.baseUrl() + "/crm/" + tenant));
        vault.put(tenant, "whatsapp", Map.of("accessToken", "EAAG-test-" + tenant));
        settings.save(tenant, new AiSettings("Autos García", "De lunes a sábado de 9:00 a 20:00",
                "Calle de Alcalá 200, Madrid", List.of(), "SEAT León 2021, 18.900 €",
                new AiSettings.AutoReplies(List.of("whatsapp"), 3, Duration.ofMinutes(30), 0.6, true)));
        STANDIN.stubFor(post(urlEqualTo("/crm/" + tenant)).willReturn(aResponse().withStatus(200)));
        AiStandIns.openAiModeration(STANDIN); // flagged
        AiStandIns.openAiChatJson(STANDIN, "{\"intent\":\"otro\",\"urgency\":\"alta\",\"vehicle\":null,"
                + "\"confidence\":0.9,\"wantsHuman\":false}");
        STANDIN.stubFor(post(urlPathEqualTo(OPENAI_CHAT)).withRequestBody(com.github.tomakehurst.wiremock.client.WireMock
                        .matchingJsonPath("$.response_format.json_schema.name", equalTo("sentiment")))
                .willReturn(AiStandIns.openAiChatAnswer("{\"sentiment\":\"negative\",\"score\":-0.9,"
                        + "\"reason\":\"Amenaza al concesionario.\"}", "stop")));

        signedWhatsAppMessage(phone, "34612" + tenant.substring(3), "Como no me devolváis la señal os vais a enterar.");

        List<LoggedRequest> handoff = await().atMost(Duration.ofSeconds(30)).until(() -> STANDIN.findAll(
                postRequestedFor(urlEqualTo("/crm/" + tenant)).withHeader("X-Pasarela-Event",
                        equalTo("conversation.handoff"))), l -> !l.isEmpty());
        JsonNode event = body(handoff.get(0));
        assertThat(event.path("reason").asText()).isEqualTo("flagged");
        await().atMost(Duration.ofSeconds(10)).until(() -> !STANDIN.findAll(postRequestedFor(urlEqualTo("/crm/" + tenant))
                .withHeader("X-Pasarela-Event", equalTo("conversation.analyzed"))).isEmpty());
        JsonNode analyzed = body(STANDIN.findAll(postRequestedFor(urlEqualTo("/crm/" + tenant))
                .withHeader("X-Pasarela-Event", equalTo("conversation.analyzed"))).get(0));
        assertThat(analyzed.toString()).contains("\"negative\"", "\"otro\"");
        assertThat(STANDIN.findAll(postRequestedFor(urlPathEqualTo("/v25.0/" + phone + "/messages")))).isEmpty();
        assertThat(requests(OPENAI_MODERATIONS)).hasSize(1);
        // the whole path logged nothing of the customer's words, number or the keys
        assertThat(output.getAll()).doesNotContain("devolváis la señal").doesNotContain("34612" + tenant.substring(3))
                .doesNotContain(openAiKey).doesNotContain(anthropicKey).doesNotContain("EAAG-test-" + tenant);
    }

    void signedWhatsAppMessage(String phone, String waId, String text) {
        String wamid = "wamid.in" + UUID.randomUUID().toString().replace("-", "");
        byte[] body = dev.pasarela.support.MetaFixtures.whatsAppText("1022910", phone, waId, wamid, text);
        Http.Response r = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/webhooks/meta"))
                .header("X-Hub-Signature-256", sign(body)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    static String sign(byte[] body) {
        return dev.pasarela.support.MetaFixtures.sign(body);
    }
}
