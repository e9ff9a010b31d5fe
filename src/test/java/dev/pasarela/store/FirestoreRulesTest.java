package dev.pasarela.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.firestore.FirestoreOptions;
import dev.pasarela.store.firestore.FirestoreDocumentStore;
import dev.pasarela.support.FirestoreEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code config/firestore.rules} on the Firestore emulator: clients of two tenants, reading and
 * writing through the REST API with (unsigned, emulator-style) Firebase ID tokens.
 */
class FirestoreRulesTest {

    static final String PROJECT = "demo-pasarela";
    static FirestoreEmulator emulator;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void seed() throws Exception {
        emulator = FirestoreEmulator.startOrSkip("--rules=" + java.nio.file.Path.of("config/firestore.rules").toAbsolutePath());
        // the gateway's view: the server SDK, which the rules do not restrict
        try (FirestoreDocumentStore admin = new FirestoreDocumentStore(FirestoreOptions.newBuilder().setProjectId(PROJECT)
                .setEmulatorHost(emulator.hostPort()).build().getService(), 15_000)) {
            for (String t : new String[] {"norte", "sur"}) {
                admin.set("tenants/" + t, Map.of("name", "Autos " + t, "plan", "pro"));
                admin.set("tenants/" + t + "/messages/m1", Map.of("text", "Hola desde " + t));
                admin.set("tenants/" + t + "/usage/2026-11", Map.of("channels", Map.of("sms", 3)));
                admin.set("tenants/" + t + "/credentials/whatsapp", Map.of("ciphertext", "…"));
            }
            admin.set("routing/stripe:cus_norte", Map.of("tenantId", "norte"));
            admin.set("apiKeys/0123456789abcdef", Map.of("tenantId", "norte", "hash", "…"));
        }
    }

    @AfterAll
    static void stop() {
        if (emulator != null) {
            emulator.close();
        }
    }

    /** An ID token as the Auth emulator issues them: alg none, no signature. */
    static String token(String tenantId) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new java.util.LinkedHashMap<>(Map.of(
                "iss", "https://securetoken.google.com/" + PROJECT, "aud", PROJECT,
                "sub", "user-" + tenantId, "user_id", "user-" + tenantId,
                "iat", now, "exp", now + 3600, "auth_time", now,
                "firebase", Map.of("sign_in_provider", "password", "identities", Map.of())));
        if (tenantId != null) {
            claims.put("tenantId", tenantId);
        }
        try {
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            return b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                    + b64.encodeToString(JSON.writeValueAsBytes(claims)) + ".";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static int status(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + emulator.hostPort() + "/v1/projects/" + PROJECT
                        + "/databases/(default)/documents/" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    static JsonNode read(String path, String token) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://" + emulator.hostPort() + "/v1/projects/" + PROJECT
                + "/databases/(default)/documents/" + path)).header("Authorization", "Bearer " + token).build();
        return JSON.readTree(HTTP.send(r, HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void aMemberReadsItsOwnTenantAndItsMessages() throws Exception {
        assertThat(status("GET", "tenants/norte", token("norte"), null)).isEqualTo(200);
        assertThat(read("tenants/norte/messages/m1", token("norte")).path("fields").path("text").path("stringValue").asText())
                .isEqualTo("Hola desde norte");
        assertThat(status("GET", "tenants/norte/usage/2026-11", token("norte"), null)).isEqualTo(200);
        assertThat(status("GET", "tenants/norte/messages", token("norte"), null)).isEqualTo(200); // list of own messages
    }

    @Test
    void nobodyReadsAnotherTenant() throws Exception {
        assertThat(status("GET", "tenants/sur", token("norte"), null)).isEqualTo(403);
        assertThat(status("GET", "tenants/sur/messages/m1", token("norte"), null)).isEqualTo(403);
        assertThat(status("GET", "tenants/sur/messages", token("norte"), null)).isEqualTo(403);
        assertThat(status("GET", "tenants", token("norte"), null)).isEqualTo(403); // listing tenants
    }

    @Test
    void credentialsRoutingAndKeysAreReadableByNoClient() throws Exception {
        assertThat(status("GET", "tenants/norte/credentials/whatsapp", token("norte"), null)).isEqualTo(403);
        assertThat(status("GET", "routing/stripe:cus_norte", token("norte"), null)).isEqualTo(403);
        assertThat(status("GET", "apiKeys/0123456789abcdef", token("norte"), null)).isEqualTo(403);
    }

    @Test
    void clientsWriteNothingTheGatewayOwns() throws Exception {
        String body = "{\"fields\":{\"plan\":{\"stringValue\":\"enterprise\"}}}";
        assertThat(status("PATCH", "tenants/norte", token("norte"), body)).isEqualTo(403);
        assertThat(status("PATCH", "tenants/norte/usage/2026-11", token("norte"), "{\"fields\":{}}")).isEqualTo(403);
        assertThat(status("PATCH", "tenants/norte/messages/m2", token("norte"), "{\"fields\":{}}")).isEqualTo(403);
        assertThat(status("DELETE", "tenants/norte/messages/m1", token("norte"), null)).isEqualTo(403);
    }

    @Test
    void withoutATenantClaimOrSignedOutNothingIsReadable() throws Exception {
        assertThat(status("GET", "tenants/norte", token(null), null)).isEqualTo(403);
        assertThat(status("GET", "tenants/norte", null, null)).isEqualTo(403);
        assertThat(status("GET", "tenants/norte/messages/m1", null, null)).isEqualTo(403);
    }

    @Test
    void theIndexesFileIsValidAndCoversTheApiKeyQuery() throws Exception {
        JsonNode indexes = JSON.readTree(java.nio.file.Files.readString(java.nio.file.Path.of("config/firestore.indexes.json")));
        assertThat(indexes.path("indexes").findValuesAsText("collectionGroup")).contains("apiKeys");
        assertThat(indexes.path("indexes").get(0).path("fields").findValuesAsText("fieldPath"))
                .containsExactly("tenantId", "createdAt");
    }
}
