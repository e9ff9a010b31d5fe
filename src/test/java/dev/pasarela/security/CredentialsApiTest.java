package dev.pasarela.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

@GatewayTest
class CredentialsApiTest {

    @LocalServerPort
    int port;
    @Autowired
    TenantRepository tenants;
    @Autowired
    CredentialVault vault;
    @Autowired
    DocumentStore store;

    @Test
    void writtenNeverEchoedReadableOnlyThroughTheVault() {
        Http http = new Http(port);
        String id = "cred-" + UUID.randomUUID().toString().substring(0, 6);
        tenants.upsert(id, new TenantProfile("Autos Cred", null, null, Map.of()));
        String secret = "EAAG" + UUID.randomUUID();
        Http.Response put = http.ops("PUT", "/ops/tenants/" + id + "/credentials/whatsapp",
                "{\"accessToken\":\"" + secret + "\",\"phoneNumberId\":\"106540352242922\"}");
        assertThat(put.status()).isEqualTo(204);
        assertThat(put.body()).isEmpty();

        Http.Response list = http.ops("GET", "/ops/tenants/" + id + "/credentials", null);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).doesNotContain(secret).contains("accessToken", "whatsapp", "\"keyId\":\"k2\"");
        // provider, field names, key id and dates: never the ciphertext, the wrapped key or their IVs
        com.fasterxml.jackson.databind.JsonNode listed = list.json().get(0);
        java.util.List<String> members = new java.util.ArrayList<>();
        listed.fieldNames().forEachRemaining(members::add);
        assertThat(members).containsOnly("provider", "fields", "keyId", "createdAt", "updatedAt", "rotatedAt",
                "unreadableSince");
        Map<String, Object> stored = store.get("tenants/" + id + "/credentials/whatsapp").orElseThrow().data();
        for (String hidden : java.util.List.of("ciphertext", "wrappedKey", "iv", "keyIv")) {
            assertThat(list.body()).doesNotContain(String.valueOf(stored.get(hidden)));
        }
        assertThat(store.get("tenants/" + id + "/credentials/whatsapp").orElseThrow().data().toString()).doesNotContain(secret);
        assertThat(vault.credentials(id, "whatsapp").orElseThrow()).containsEntry("accessToken", secret);

        Http.Response rotate = http.ops("POST", "/ops/credentials/rotate", null);
        assertThat(rotate.status()).isEqualTo(200);
        assertThat(rotate.json().path("currentKeyId").asText()).isEqualTo("k2");

        assertThat(http.ops("PUT", "/ops/tenants/" + id + "/credentials/whatsapp", "{\"accessToken\":\"\"}").status())
                .isEqualTo(400);
        assertThat(http.ops("PUT", "/ops/tenants/" + id + "/credentials/Bad_Provider", "{\"a\":\"b\"}").status())
                .isEqualTo(400);
        Http.Response unknown = http.ops("PUT", "/ops/tenants/" + id + "/credentials/whatsap", "{\"a\":\"b\"}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("type").asText()).endsWith("/unknown-provider");
        // the names the code reads credentials under: channels, Meta pages, email, AI, callbacks
        assertThat(unknown.json().path("detail").asText()).contains("whatsapp", "messenger", "instagram",
                "facebook-user", "twilio", "sendgrid", "resend", "openai", "anthropic", "callback", "stripe");
        assertThat(http.ops("PUT", "/ops/tenants/nobody-here/credentials/whatsapp", "{\"a\":\"b\"}").status())
                .isEqualTo(404);
        assertThat(http.ops("GET", "/ops/credentials/stale", null).json().path("maxAge").asText()).isEqualTo("PT2160H");
        assertThat(http.ops("DELETE", "/ops/tenants/" + id + "/credentials/whatsapp", null).status()).isEqualTo(204);
        assertThat(vault.credentials(id, "whatsapp")).isEmpty();
    }
}
