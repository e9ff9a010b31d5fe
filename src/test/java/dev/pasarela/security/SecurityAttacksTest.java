package dev.pasarela.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import dev.pasarela.support.StripeFixtures;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Attacks tried against the gateway, one test each (token attacks on /api are in
 * {@link ApiAuthenticationTest}, per-source abuse in {@link WebhookAbuseTest}).
 */
@GatewayTest
@ExtendWith(OutputCaptureExtension.class)
class SecurityAttacksTest {

    @LocalServerPort
    int port;
    @Autowired
    TenantRepository tenants;
    @Autowired
    CredentialVault vault;
    Http http;
    String tenant;
    String apiKey;

    @BeforeEach
    void setUp() {
        http = new Http(port);
        tenant = "sec-" + UUID.randomUUID().toString().substring(0, 6);
        tenants.upsert(tenant, new TenantProfile("Autos Seguros", "enterprise", null, Map.of("stripe", "cus_" + tenant)));
        apiKey = http.ops("POST", "/ops/tenants/" + tenant + "/api-keys", null).json().path("key").asText();
    }

    @Test
    void aReplayedWebhookIsAcceptedOnceAndAppliedOnce() {
        byte[] body = StripeFixtures.event("customer.subscription.updated.basil.json")
                .id("evt_replay_" + tenant).customer("cus_" + tenant).bytes();
        String signature = StripeFixtures.sign(body);
        for (int i = 0; i < 5; i++) {
            assertThat(http.stripe(body, signature).status()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(20)).until(() ->
                http.ops("GET", "/ops/tenants/" + tenant, null).json().path("revision").asLong() == 1);
        assertThat(http.ops("GET", "/ops/tenants/" + tenant + "/events", null).json().size()).isEqualTo(1);
    }

    @Test
    void aWebhookReplayedAfterTheToleranceWindowIsRefused() {
        byte[] body = StripeFixtures.event("customer.subscription.updated.basil.json")
                .id("evt_old_" + tenant).customer("cus_" + tenant).bytes();
        String capturedLongAgo = StripeFixtures.sign(body, StripeFixtures.SECRET, Instant.now().getEpochSecond() - 3600);
        Http.Response r = http.stripe(body, capturedLongAgo);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("detail").asText()).contains("tolerance");
    }

    @Test
    void aTamperedWebhookIsRefused() {
        byte[] body = StripeFixtures.event("customer.subscription.updated.basil.json")
                .id("evt_tamper_" + tenant).customer("cus_" + tenant).bytes();
        String signature = StripeFixtures.sign(body);
        byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("pasarela_pro_monthly", "pasarela_enterprise_monthly")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(http.stripe(tampered, signature).status()).isEqualTo(400);
    }

    @Test
    void oversizedBodiesAre413OnEveryDoor() {
        byte[] big = new byte[2 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) '{');
        Http.Response api = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/billing/checkout-session"))
                .header("X-Api-Key", apiKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)));
        assertThat(api.status()).isEqualTo(413);
        assertThat(api.contentType()).startsWith("application/problem+json");
        Http.Response ops = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/ops/tenants/" + tenant))
                .header("Authorization", "Bearer " + GatewayTest.OPS_TOKEN).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(big)));
        assertThat(ops.status()).isEqualTo(413);
        assertThat(http.stripe(new byte[GatewayTest.INGRESS_MAX_BODY_BYTES + 1], "t=1,v1=00").status()).isEqualTo(413);
        // without credentials the answer is 401, before any body is buffered
        Http.Response anonymous = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/billing/checkout-session"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(big)));
        assertThat(anonymous.status()).isEqualTo(401);
    }

    @Test
    void malformedJsonIs400WithoutInternals() {
        for (String bad : new String[] {"{\"plan\":", "[1,2", "{\"plan\": \"pro\", }", "\u0000\u0001"}) {
            Http.Response r = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/billing/checkout-session"))
                    .header("X-Api-Key", apiKey).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(bad)));
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.body()).doesNotContain("Exception", "at com.", "at dev.", "jackson");
        }
        Http.Response webhook = http.stripe("{\"id\":".getBytes(StandardCharsets.UTF_8),
                StripeFixtures.sign("{\"id\":".getBytes(StandardCharsets.UTF_8)));
        assertThat(webhook.status()).isEqualTo(400);
        assertThat(webhook.body()).doesNotContain("Exception");
    }

    @Test
    void headerInjectionThroughThePathOrHeadersReachesNoResponseHeader() throws Exception {
        String raw = send("GET /ops/tenants/x%0d%0aSet-Cookie:%20injected=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + GatewayTest.OPS_TOKEN + "\r\nConnection: close\r\n\r\n");
        assertThat(raw).doesNotContainIgnoringCase("\r\nSet-Cookie: injected");
        String viaKey = send("GET /api/v1/usage HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: psk_x\r\n"
                + "Idempotency-Key: a%0d%0aX-Injected: 1\r\nConnection: close\r\n\r\n");
        assertThat(viaKey).startsWith("HTTP/1.1 401").doesNotContainIgnoringCase("\r\nX-Injected");
        String folded = send("GET /api/v1/usage HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: " + apiKey
                + "\r\n X-Injected: folded\r\nConnection: close\r\n\r\n");
        assertThat(folded).doesNotContainIgnoringCase("\r\nX-Injected");
    }

    @Test
    void secretsAppearNeitherInLogsNorInErrorBodies(CapturedOutput output) {
        String providerToken = "EAAGsecret" + UUID.randomUUID().toString().replace("-", "");
        assertThat(http.ops("PUT", "/ops/tenants/" + tenant + "/credentials/whatsapp",
                "{\"accessToken\":\"" + providerToken + "\"}").status()).isEqualTo(204);
        Http.Response list = http.ops("GET", "/ops/tenants/" + tenant + "/credentials", null);
        Http.Response wrongOps = http.ops("GET", "/ops/tenants/" + tenant, null, GatewayTest.OPS_TOKEN + "!");
        byte[] body = StripeFixtures.event("customer.subscription.updated.basil.json").id("evt_log_" + tenant).bytes();
        Http.Response badSignature = http.stripe(body, StripeFixtures.sign(body, "whsec_attacker_guess", Instant.now().getEpochSecond()));
        Http.Response badKey = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/usage"))
                .header("X-Api-Key", apiKey + "tampered"));
        assertThat(vault.credentials(tenant, "whatsapp").orElseThrow()).containsEntry("accessToken", providerToken);

        String everything = output.getAll() + list.body() + wrongOps.body() + badSignature.body() + badKey.body();
        assertThat(everything)
                .doesNotContain(providerToken)
                .doesNotContain(StripeFixtures.SECRET)
                .doesNotContain(GatewayTest.OPS_TOKEN)
                .doesNotContain(apiKey.substring("psk_0123456789abcdef_".length())) // the secret part
                .doesNotContain("dGVzdC1tYXN0ZXIta2V5"); // master key material
    }

    @Test
    void aBearerTokenWhileFirebaseIsNotConfiguredIsUnauthorizedNotAFault() {
        // this context sets no FIREBASE_PROJECT_ID: a bearer token (or an API key sent as one) cannot be verified
        Http.Response r = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/usage"))
                .header("Authorization", "Bearer psk_0123456789abcdef_sent-in-the-wrong-header"));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.body()).doesNotContain("sent-in-the-wrong-header");
    }

    private String send(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
