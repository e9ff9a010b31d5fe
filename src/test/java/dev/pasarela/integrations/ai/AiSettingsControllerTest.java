package dev.pasarela.integrations.ai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pasarela.security.ApiKeys;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** {@code GET|PUT /api/v1/ai/settings}: stored per tenant, refused as problem+json naming the rule. */
@GatewayTest
class AiSettingsControllerTest {

    static final String VALID = """
            {"businessName":"Autos García","openingHours":"De lunes a sábado de 9:00 a 20:00",
             "address":"Calle de Alcalá 200, Madrid",
             "faq":[{"question":"¿Aceptáis coches usados como parte del pago?","answer":"Sí, los tasamos gratis."}],
             "inventorySummary":"SEAT León 2021, 18.900 €",
             "autoReplies":{"channels":["whatsapp","instagram"],"maxPerConversationPerHour":2}}
            """;

    @LocalServerPort
    int port;
    @Autowired
    TenantRepository tenants;
    @Autowired
    ApiKeys apiKeys;
    @Autowired
    DocumentStore store;

    Http http;
    String tenant;
    String apiKey;

    @BeforeEach
    void tenant() {
        http = new Http(port);
        tenant = "ai-settings-" + UUID.randomUUID().toString().substring(0, 8);
        tenants.upsert(tenant, new TenantProfile("Autos García", "enterprise", "Europe/Madrid", Map.of()));
        apiKey = apiKeys.create(tenant, "crm").key();
    }

    Http.Response call(String method, String json) {
        return http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/ai/settings")).header("X-Api-Key", apiKey)
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)));
    }

    @Test
    void settingsAreStoredWithTheirDefaultsAndReadBack() {
        assertThat(call("GET", null).status()).isEqualTo(404);

        Http.Response put = call("PUT", VALID);
        assertThat(put.status()).as(put.body()).isEqualTo(200);

        JsonNode read = call("GET", null).json();
        assertThat(read.path("businessName").asText()).isEqualTo("Autos García");
        assertThat(read.path("faq").get(0).path("answer").asText()).isEqualTo("Sí, los tasamos gratis.");
        JsonNode rules = read.path("autoReplies");
        assertThat(rules.path("channels").toString()).isEqualTo("[\"whatsapp\",\"instagram\"]");
        assertThat(rules.path("maxPerConversationPerHour").asInt()).isEqualTo(2);
        assertThat(rules.path("humanPause").asText()).isEqualTo("PT30M");
        assertThat(rules.path("minConfidence").asDouble()).isEqualTo(0.6);
        assertThat(rules.path("analyzeInbound").asBoolean()).isTrue();
        assertThat(rules.has("humanPauseInRange")).isFalse();
        assertThat(store.get(AiSettingsStore.path(tenant)).orElseThrow().field("autoReplies.humanPause")).isEqualTo("PT30M");
    }

    @Test
    void anUnknownChannelIsRefusedNamingTheAllowedOnes() {
        Http.Response r = call("PUT", VALID.replace("\"instagram\"]", "\"telegram\"]"));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("detail").asText()).contains("autoReplies.channels").contains("whatsapp, messenger, instagram").doesNotContain("..");
        assertThat(call("GET", null).status()).isEqualTo(404);
    }

    @Test
    void aNullQuestionIsRefusedNamingTheFaq() {
        Http.Response r = call("PUT", "{\"businessName\":\"Autos García\",\"faq\":[null],"
                + "\"autoReplies\":{\"channels\":[\"whatsapp\"]}}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("detail").asText()).contains("faq").doesNotContain("not valid JSON");
    }

    @Test
    void tooManyQuestionsTooLongTextsAndOutOfRangeRulesAreRefused() {
        String faq = IntStream.range(0, 31).mapToObj(i -> "{\"question\":\"¿Pregunta " + i + "?\",\"answer\":\"Respuesta.\"}")
                .collect(Collectors.joining(",", "[", "]"));
        Http.Response tooMany = call("PUT", VALID.replaceFirst("\"faq\":\\[.*?\\],", "\"faq\":" + faq + ","));
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.json().path("detail").asText()).contains("faq holds at most 30");

        Http.Response longName = call("PUT", VALID.replace("Autos García", "A".repeat(121)));
        assertThat(longName.json().path("detail").asText()).contains("businessName is at most 120");

        Http.Response pause = call("PUT", VALID.replace("\"maxPerConversationPerHour\":2",
                "\"maxPerConversationPerHour\":0,\"humanPause\":\"PT10S\",\"minConfidence\":1.5"));
        assertThat(pause.status()).isEqualTo(400);
        assertThat(pause.json().path("detail").asText()).contains("maxPerConversationPerHour is between 1 and 20")
                .contains("humanPause is an ISO-8601 duration").contains("minConfidence is between 0 and 1");
    }
}
