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
}
