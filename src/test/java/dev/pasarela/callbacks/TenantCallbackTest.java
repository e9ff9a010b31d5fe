package dev.pasarela.callbacks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.security.CredentialVault;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Inbound messages published to the tenant's callback: signed, retried on 5xx (numbered tries, same event id), dead-lettered on 4xx. */
@GatewayTest
class TenantCallbackTest {

    static final WireMockServer CRM = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        CRM.start();
    }

    @AfterAll
    static void stop() {
        CRM.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    TenantRepository tenants;
    @Autowired
    CredentialVault vault;

    String phone;

    String tenant(String path) {
        String s = UUID.randomUUID().toString().replaceAll("[^0-9]", "").concat("0000000").substring(0, 7);
        String id = "cb-" + s;
        phone = "106549" + s;
        tenants.upsert(id, new TenantProfile("Autos Callback", null, null, Map.of("whatsapp", phone), CRM.baseUrl() + path));
        return id;
    }

    void inbound(String wamid) throws Exception {
        byte[] body = ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"value\":{"
                + "\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"1\",\"phone_number_id\":\""
                + phone + "\"},\"contacts\":[{\"profile\":{\"name\":\"Luc\\u00eda\"},\"wa_id\":\"34600111222\"}],"
                + "\"messages\":[{\"from\":\"34600111222\",\"id\":\"" + wamid + "\",\"timestamp\":\"1749416383\","
                + "\"type\":\"text\",\"text\":{\"body\":\"\\u00bfPrecio del Ibiza?\"}}]},\"field\":\"messages\"}]}]}")
                .getBytes(StandardCharsets.UTF_8);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(GatewayTest.META_APP_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        Http http = new Http(port);
        Http.Response r = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/webhooks/meta"))
                .header("X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(mac.doFinal(body)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void aSignedCallbackIsRetriedThroughA503UntilTheCrmTakesIt() throws Exception {
        String tenant = tenant("/crm/retry");
        String secret = "whsec_crm_" + UUID.randomUUID();
        vault.put(tenant, "callback", Map.of("signingSecret", secret));
        CRM.stubFor(post("/crm/retry").inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        CRM.stubFor(post("/crm/retry").inScenario("flaky").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(204)));
        inbound("wamid.CALLBACK1" + tenant);
        await().atMost(Duration.ofSeconds(20)).until(() -> CRM.findAll(postRequestedFor(urlEqualTo("/crm/retry"))).size() == 2);
        LoggedRequest delivered = CRM.findAll(postRequestedFor(urlEqualTo("/crm/retry"))).get(1);
        JsonNode body = new ObjectMapper().readTree(delivered.getBody());
        assertThat(body.path("tenantId").asText()).isEqualTo(tenant);
        assertThat(body.path("content").path("text").asText()).isEqualTo("¿Precio del Ibiza?");
        assertThat(body.path("contactName").asText()).isEqualTo("Lucía");
        assertThat(delivered.getHeader("X-Pasarela-Event-Id")).isEqualTo("meta:wa:msg:wamid.CALLBACK1" + tenant);
        String signature = delivered.getHeader("X-Pasarela-Signature");
        long t = Long.parseLong(signature.substring(2, signature.indexOf(',')));
        assertThat(CRM.findAll(postRequestedFor(urlEqualTo("/crm/retry"))).stream()
                .map(r -> r.getHeader("X-Pasarela-Delivery-Attempt")).toList()).containsExactly("1", "2");
        assertThat(CRM.findAll(postRequestedFor(urlEqualTo("/crm/retry"))).get(0).getHeader("X-Pasarela-Event-Id"))
                .isEqualTo(delivered.getHeader("X-Pasarela-Event-Id"));
        assertThat(signature).isEqualTo(dev.pasarela.callbacks.CallbackRoutes.sign(delivered.getBody(), secret, t,
                "meta:wa:msg:wamid.CALLBACK1" + tenant, 2));
        assertThat(delivered.getBodyAsString()).doesNotContain(secret);
    }

    @Test
    void aCallbackRefusedWith4xxIsADeadLetterAnOperatorCanReplay() throws Exception {
        String tenant = tenant("/crm/gone");
        CRM.stubFor(post("/crm/gone").willReturn(aResponse().withStatus(410)));
        inbound("wamid.CALLBACK2" + tenant);
        Http http = new Http(port);
        JsonNode letter = await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (JsonNode m : http.ops("GET", "/ops/dlq/dlq.callbacks.out.deliver", null).json()) {
                if (m.path("tenantId").asText().equals(tenant)) {
                    return m;
                }
            }
            return null;
        }, m -> m != null);
        assertThat(letter.path("cause").asText()).contains("answered 410");
        assertThat(letter.path("replayTo").asText()).isEqualTo("out.callbacks");
        assertThat(CRM.findAll(postRequestedFor(urlEqualTo("/crm/gone")))).hasSize(1); // no retry of a 4xx
        assertThat(List.of(http.ops("GET", "/ops/dlq", null).json().findValuesAsText("queue").toArray()))
                .contains("dlq.callbacks.out.deliver");
    }

    @Test
    void callbackUrlsMustBeHttps() {
        assertThat(new Http(port).ops("PUT", "/ops/tenants/cb-bad", "{\"name\":\"x\",\"callbackUrl\":\"http://crm.example.com/x\"}")
                .status()).isEqualTo(400);
    }
}
