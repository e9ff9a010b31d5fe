package dev.pasarela.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.support.GatewayTest;
import org.springframework.beans.factory.annotation.Autowired;
import dev.pasarela.support.Http;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

@GatewayTest
class TenantsApiTest {

    @LocalServerPort
    int port;
    Http http;
    String id;

    @BeforeEach
    void setUp() {
        http = new Http(port);
        id = "t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void opsNeedsTheBearerToken() {
        Http.Response none = http.ops("GET", "/ops/tenants/" + id, null, null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.contentType()).startsWith("application/problem+json");
        assertThat(none.raw().headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        Http.Response wrong = http.ops("GET", "/ops/tenants/" + id, null, GatewayTest.OPS_TOKEN + "x");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body()).doesNotContain(GatewayTest.OPS_TOKEN);
        assertThat(http.ops("GET", "/ops/dlq", null, "").status()).isEqualTo(401);
    }

    @Test
    void putCreatesThenUpdatesAndGetReturnsTheTenant() {
        Http.Response created = http.ops("PUT", "/ops/tenants/" + id, """
                {"name":"Autos Peña","plan":"pro","timezone":"Europe/Madrid",
                 "identities":{"stripe":"cus_%s","whatsapp":"106540352242922%s"}}""".formatted(id, id.substring(2)));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().path("name").asText()).isEqualTo("Autos Peña");

        Http.Response updated = http.ops("PUT", "/ops/tenants/" + id,
                "{\"name\":\"Autos Peña e Hijos\",\"identities\":{\"stripe\":\"cus_" + id + "b\"}}");
        assertThat(updated.status()).isEqualTo(200);
        JsonNode t = http.ops("GET", "/ops/tenants/" + id, null).json();
        assertThat(t.path("id").asText()).isEqualTo(id);
        assertThat(t.path("name").asText()).isEqualTo("Autos Peña e Hijos");
        assertThat(t.path("plan").asText()).isEqualTo("pro"); // kept when not given
        assertThat(t.path("timezone").asText()).isEqualTo("Europe/Madrid");
        assertThat(t.path("identities").path("stripe").asText()).isEqualTo("cus_" + id + "b");
        assertThat(t.path("identities").has("whatsapp")).isFalse();

        // the identity given up is free for another tenant; the one kept is not
        String other = id + "-2";
        assertThat(http.ops("PUT", "/ops/tenants/" + other,
                "{\"name\":\"Otro\",\"identities\":{\"stripe\":\"cus_" + id + "\"}}").status()).isEqualTo(201);
        Http.Response conflict = http.ops("PUT", "/ops/tenants/" + other + "x",
                "{\"name\":\"Otro más\",\"identities\":{\"stripe\":\"cus_" + id + "b\"}}");
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.json().path("type").asText()).endsWith("/identity-conflict");
    }

    @Test
    void theTenantsFileNeverUndoesWhatSubscriptionsAndEventsSet(@Autowired TenantRepository tenants) {
        tenants.seed(id, new TenantProfile("Autos Seed", "basic", "UTC", java.util.Map.of("whatsapp", "1065" + id.substring(2))));
        // later: a subscription moved the plan, an event taught the Stripe customer id
        http.ops("PUT", "/ops/tenants/" + id, "{\"name\":\"Autos Seed\",\"plan\":\"pro\",\"identities\":"
                + "{\"whatsapp\":\"1065" + id.substring(2) + "\",\"stripe\":\"cus_learnt_" + id + "\"}}");
        // the next start reads the same file again
        assertThat(tenants.seed(id, new TenantProfile("Autos Seed", "basic", "UTC",
                java.util.Map.of("whatsapp", "1065" + id.substring(2))))).isFalse();
        JsonNode t = http.ops("GET", "/ops/tenants/" + id, null).json();
        assertThat(t.path("plan").asText()).isEqualTo("pro");
        assertThat(t.path("identities").path("stripe").asText()).isEqualTo("cus_learnt_" + id);
    }

    @Test
    void badTenantsAreRefusedWithProblems() {
        assertThat(http.ops("PUT", "/ops/tenants/" + id, "{\"name\":\"x\",\"plan\":\"platinum\"}").json()
                .path("detail").asText()).contains("Unknown plan", "free", "pro");
        assertThat(http.ops("PUT", "/ops/tenants/" + id, "{\"name\":\"x\",\"timezone\":\"Mars/Olympus\"}").status())
                .isEqualTo(400);
        assertThat(http.ops("PUT", "/ops/tenants/Bad_Id", "{\"name\":\"x\"}").status()).isEqualTo(400);
        assertThat(http.ops("PUT", "/ops/tenants/" + id, "{}").status()).isEqualTo(400);
        Http.Response malformed = http.ops("PUT", "/ops/tenants/" + id, "{\"name\":");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.contentType()).startsWith("application/problem+json");
        assertThat(malformed.body()).doesNotContain("Exception", "at dev.pasarela");
        Http.Response missing = http.ops("GET", "/ops/tenants/" + id, null);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().path("type").asText()).endsWith("/tenant-not-found");
    }

    Http.Response patch(String path, String mergePatch) {
        return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(http.base() + path))
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString(mergePatch))
                .header("Content-Type", "application/merge-patch+json")
                .header("Authorization", "Bearer " + dev.pasarela.support.GatewayTest.OPS_TOKEN));
    }

    boolean routes(dev.pasarela.store.DocumentStore store, String provider, String externalId) {
        return store.get(TenantRepository.routingPath(TenantRepository.routingKey(provider, externalId)))
                .map(d -> id.equals(d.field("tenantId"))).orElse(false);
    }

    /** A rename by PUT keeps what it leaves out, identities included: the tenant's webhooks still route. */
    @Test
    void aPutWithoutIdentitiesKeepsThemAndTheirRoutes(@Autowired dev.pasarela.store.DocumentStore store) {
        http.ops("PUT", "/ops/tenants/" + id, "{\"name\":\"Autos Uno\",\"identities\":{\"stripe\":\"cus_" + id + "\"}}");
        assertThat(http.ops("PUT", "/ops/tenants/" + id, "{\"name\":\"Autos Uno Renombrado\"}").status()).isEqualTo(200);
        JsonNode t = http.ops("GET", "/ops/tenants/" + id, null).json();
        assertThat(t.path("name").asText()).isEqualTo("Autos Uno Renombrado");
        assertThat(t.path("identities").path("stripe").asText()).isEqualTo("cus_" + id);
        assertThat(routes(store, "stripe", "cus_" + id)).isTrue();
        // identities given replace the whole map; {} removes them all
        http.ops("PUT", "/ops/tenants/" + id, "{\"name\":\"Autos Uno\",\"identities\":{}}");
        assertThat(http.ops("GET", "/ops/tenants/" + id, null).json().path("identities").size()).isZero();
        assertThat(routes(store, "stripe", "cus_" + id)).isFalse();
    }

    @Test
    void aMergePatchChangesOnlyWhatItNamesAndNullRemoves(@Autowired dev.pasarela.store.DocumentStore store) {
        http.ops("PUT", "/ops/tenants/" + id, "{\"name\":\"Autos Dos\",\"timezone\":\"Europe/Madrid\","
                + "\"callbackUrl\":\"https://crm.example/hooks\",\"identities\":{\"stripe\":\"cus_" + id
                + "\",\"whatsapp\":\"1065" + id.substring(2) + "\"}}");
        Http.Response r = patch("/ops/tenants/" + id, "{\"name\":\"Autos Dos SA\",\"callbackUrl\":null,"
                + "\"identities\":{\"whatsapp\":null,\"twilio\":\"+1555" + id.substring(2, 9) + "\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode t = http.ops("GET", "/ops/tenants/" + id, null).json();
        assertThat(t.path("name").asText()).isEqualTo("Autos Dos SA");
        assertThat(t.path("timezone").asText()).isEqualTo("Europe/Madrid");
        assertThat(t.path("callbackUrl").isMissingNode() || t.path("callbackUrl").isNull()).isTrue();
        assertThat(t.path("identities").path("stripe").asText()).isEqualTo("cus_" + id);
        assertThat(t.path("identities").has("whatsapp")).isFalse();
        assertThat(routes(store, "stripe", "cus_" + id)).isTrue();
        assertThat(routes(store, "whatsapp", "1065" + id.substring(2))).isFalse();
        assertThat(routes(store, "twilio", "+1555" + id.substring(2, 9))).isTrue();

        assertThat(patch("/ops/tenants/" + id, "{\"name\":null}").status()).isEqualTo(400);
        assertThat(patch("/ops/tenants/" + id + "-none", "{\"name\":\"x\"}").status()).isEqualTo(404);
        assertThat(http.ops("PATCH", "/ops/tenants/" + id, "{\"name\":\"x\"}").status()).isEqualTo(415);
    }

    @Test
    void aMergePatchIsValidatedAsAPutIsAndUnknownFieldsAreRefusedByName() {
        http.ops("PUT", "/ops/tenants/" + id, "{\"name\":\"Autos Tres\",\"timezone\":\"Europe/Madrid\"}");
        Http.Response tooLong = patch("/ops/tenants/" + id, "{\"name\":\"" + "x".repeat(201) + "\"}");
        assertThat(tooLong.status()).as(tooLong.body()).isEqualTo(400);
        assertThat(tooLong.contentType()).startsWith("application/problem+json");
        assertThat(tooLong.json().path("detail").asText()).contains("name is at most 200 characters");

        Http.Response typo = patch("/ops/tenants/" + id, "{\"nmae\":\"Autos\",\"messaging\":{\"quietHourz\":"
                + "{\"start\":\"21:00\"}}}");
        assertThat(typo.status()).as(typo.body()).isEqualTo(400);
        assertThat(typo.json().path("detail").asText()).contains("nmae", "messaging.quietHourz");

        Http.Response put = http.ops("PUT", "/ops/tenants/" + id, "{\"name\":\"Autos Cuatro\",\"colour\":\"red\"}");
        assertThat(put.status()).as(put.body()).isEqualTo(400);
        assertThat(put.json().path("detail").asText()).contains("colour");
        Http.Response longPut = http.ops("PUT", "/ops/tenants/" + id, "{\"name\":\"" + "y".repeat(201) + "\"}");
        assertThat(longPut.status()).isEqualTo(400);
        assertThat(longPut.json().path("detail").asText()).contains("name is at most 200 characters");

        Http.Response odd = http.ops("PUT", "/ops/tenants/" + id, "{\"name\":\"Autos\",\"<script>" + "z".repeat(80) + "\":1}");
        assertThat(odd.status()).isEqualTo(400);
        assertThat(odd.body()).doesNotContain("<script>").doesNotContain("zzzzzzzzzz").contains("a name of 88 characters");

        // a GET's answer sent back is taken: its read-only fields (id, subscription, revision) stay as they are
        JsonNode read = http.ops("GET", "/ops/tenants/" + id, null).json();
        assertThat(read.has("id")).isTrue();
        Http.Response back = http.ops("PUT", "/ops/tenants/" + id, read.toString());
        assertThat(back.status()).as(back.body()).isEqualTo(200);
        Http.Response moved = http.ops("PUT", "/ops/tenants/" + id, "{\"id\":\"other-tenant\",\"name\":\"Autos\"}");
        assertThat(moved.status()).as(moved.body()).isEqualTo(400);
        assertThat(moved.json().path("detail").asText()).contains("id");

        // nothing of the refused requests was written
        JsonNode t = http.ops("GET", "/ops/tenants/" + id, null).json();
        assertThat(t.path("name").asText()).isEqualTo("Autos Tres");
        assertThat(t.path("timezone").asText()).isEqualTo("Europe/Madrid");
        assertThat(patch("/ops/tenants/" + id, "{\"timezone\":\"America/Lima\"}").json().path("timezone").asText())
                .isEqualTo("America/Lima");
    }

    /** A signed payload may hold a lone surrogate; the events are still JSON a strict UTF-8 parser reads. */
    @Test
    void eventsWithALoneSurrogateAreAnsweredAsStrictUtf8Json(@Autowired dev.pasarela.store.DocumentStore store)
            throws Exception {
        http.ops("PUT", "/ops/tenants/" + id, "{\"name\":\"Autos Cinco\"}");
        store.set(TenantRepository.path(id) + "/events/evt_1", java.util.Map.of("processedAt", "2026-01-02T03:04:05Z",
                "payload", java.util.Map.of("text", "a\ud800b", "emoji", "ok \ud83d\ude97", "k\udc00", "v")));
        java.net.http.HttpResponse<byte[]> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(http.base() + "/ops/tenants/" + id + "/events"))
                        .header("Authorization", "Bearer " + GatewayTest.OPS_TOKEN).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        String body = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                .decode(java.nio.ByteBuffer.wrap(r.body())).toString();
        assertThat(body).doesNotContainPattern("[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]");
        JsonNode payload = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).get(0).path("payload");
        assertThat(payload.path("text").asText()).isEqualTo("a\ufffdb");
        assertThat(payload.path("emoji").asText()).isEqualTo("ok \ud83d\ude97");
        assertThat(payload.path("k\ufffd").asText()).isEqualTo("v");
    }
}
