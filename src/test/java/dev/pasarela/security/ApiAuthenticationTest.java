package dev.pasarela.security;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.support.FirebaseTokens;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Internal calls: the attacks tried on {@code /api/**} authentication, each one a test. Google's
 * key endpoint is a local stand-in serving a JWKS of locally generated keys.
 */
@GatewayTest
@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
class ApiAuthenticationTest {

    static final FirebaseTokens TOKENS = new FirebaseTokens();
    static final WireMockServer GOOGLE = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        GOOGLE.start();
        GOOGLE.stubFor(get("/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com").willReturn(aResponse()
                .withHeader("Content-Type", "application/json; charset=UTF-8")
                .withHeader("Cache-Control", "public, max-age=22911, must-revalidate, no-transform")
                .withBody(TOKENS.jwks())));
    }

    @DynamicPropertySource
    static void google(DynamicPropertyRegistry registry) {
        registry.add("pasarela.auth.firebase.project-id", () -> FirebaseTokens.PROJECT);
        registry.add("pasarela.auth.firebase.public-keys-url",
                () -> GOOGLE.baseUrl() + "/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com");
    }

    @AfterAll
    static void stop() {
        GOOGLE.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    TenantRepository tenants;
    Http http;
    String a;
    String b;

    @BeforeEach
    void tenants() {
        http = new Http(port);
        a = "auth-a-" + UUID.randomUUID().toString().substring(0, 6);
        b = "auth-b-" + UUID.randomUUID().toString().substring(0, 6);
        tenants.upsert(a, new TenantProfile("Autos A", null, null, Map.of()));
        tenants.upsert(b, new TenantProfile("Autos B", null, null, Map.of()));
    }

    Http.Response call(String path, String bearer) {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(http.base() + path)).GET();
        if (bearer != null) {
            r.header("Authorization", "Bearer " + bearer);
        }
        return http.send(r);
    }

    Http.Response withKey(String path, String key) {
        return http.send(HttpRequest.newBuilder(URI.create(http.base() + path)).GET().header("X-Api-Key", key));
    }

    void assertUnauthorized(Http.Response r) {
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("status").asInt()).isEqualTo(401);
        assertThat(r.body()).doesNotContain("Exception", "eyJ");
    }

    @Test
    void aValidTokenReadsItsOwnTenant() {
        Http.Response r = call("/api/v1/tenants/" + a, TOKENS.token(a));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("id").asText()).isEqualTo(a);
        assertThat(r.json().has("identities")).isFalse();
    }

    @Test
    void aValidTokenOfTenantAIsForbiddenForTenantB() {
        Http.Response r = call("/api/v1/tenants/" + b, TOKENS.token(a));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().path("type").asText()).endsWith("/forbidden-tenant");
    }

    @Test
    void noCredentialsAtAll() {
        assertUnauthorized(call("/api/v1/tenants/" + a, null));
    }

    @Test
    void expiredToken() {
        assertUnauthorized(call("/api/v1/tenants/" + a, TOKENS.token(a, c -> c
                .issueTime(Date.from(Instant.now().minusSeconds(7200)))
                .expirationTime(Date.from(Instant.now().minusSeconds(3600))))));
    }

    @Test
    void tokenForAnotherFirebaseProject() {
        assertUnauthorized(call("/api/v1/tenants/" + a, TOKENS.token(a, c -> c
                .issuer("https://securetoken.google.com/someone-elses-project").audience("someone-elses-project"))));
        assertUnauthorized(call("/api/v1/tenants/" + a, TOKENS.token(a, c -> c.audience("someone-elses-project"))));
        assertUnauthorized(call("/api/v1/tenants/" + a, TOKENS.token(a, c -> c
                .issuer("https://session.firebase.google.com/" + FirebaseTokens.PROJECT))));
    }

    @Test
    void tokensFromTheFutureOrWithoutAuthTime() {
        assertUnauthorized(call("/api/v1/tenants/" + a, TOKENS.token(a, c -> c
                .issueTime(Date.from(Instant.now().plusSeconds(3600))))));
        assertUnauthorized(call("/api/v1/tenants/" + a, TOKENS.token(a, c -> c.claim("auth_time", null))));
        assertUnauthorized(call("/api/v1/tenants/" + a, TOKENS.token(a, c -> c
                .claim("auth_time", Instant.now().plusSeconds(3600).getEpochSecond()))));
    }

    @Test
    void tokenWithoutATenantClaim() {
        assertUnauthorized(call("/api/v1/tenants/" + a, TOKENS.token(null)));
        assertUnauthorized(call("/api/v1/tenants/" + a, TOKENS.token(a, c -> c.claim("tenantId", "../" + b))));
    }

    @Test
    void forgedSignaturesAndAlgorithmTricks() {
        assertUnauthorized(call("/api/v1/tenants/" + a, TOKENS.forged(a)));
        assertUnauthorized(call("/api/v1/tenants/" + b, TOKENS.tampered(a, b)));
        assertUnauthorized(call("/api/v1/tenants/" + a, TOKENS.unsigned(a)));
        assertUnauthorized(call("/api/v1/tenants/" + a, TOKENS.hmacWithPublicKey(a)));
        assertUnauthorized(call("/api/v1/tenants/" + a, "not.a.jwt"));
        assertUnauthorized(call("/api/v1/tenants/" + a, TOKENS.withoutKid(a))); // right key, but no kid
    }

    @Test
    void billingNeedsAnAdminRole() {
        Http.Response member = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/billing/portal-session"))
                .header("Authorization", "Bearer " + TOKENS.token(a, c -> c.claim("role", "salesperson")))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(member.status()).isEqualTo(403);
        assertThat(member.json().path("type").asText()).endsWith("/forbidden-role");
    }

    @Test
    void tokensNeverReachTheLogs(org.springframework.boot.test.system.CapturedOutput output) {
        String forged = TOKENS.forged(a);
        String expired = TOKENS.token(a, c -> c.expirationTime(Date.from(Instant.now().minusSeconds(3600))));
        call("/api/v1/tenants/" + a, forged);
        call("/api/v1/tenants/" + a, expired);
        assertThat(output.getAll()).doesNotContain(forged.split("\\.")[2]).doesNotContain(expired.split("\\.")[1]);
    }

    @Test
    void unknownKeyIdsRefreshTheKeysAtMostOnceAMinute() {
        int before = GOOGLE.findAll(getRequestedFor(urlEqualTo(
                "/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com"))).size();
        for (int i = 0; i < 5; i++) {
            assertUnauthorized(call("/api/v1/tenants/" + a, TOKENS.unknownKid(a)));
        }
        int after = GOOGLE.findAll(getRequestedFor(urlEqualTo(
                "/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com"))).size();
        assertThat(after - before).isLessThanOrEqualTo(1);
    }

    @Test
    void serviceApiKeysAuthenticateUntilRevokedAndAreStoredOnlyAsHashes() {
        Http.Response created = http.ops("POST", "/ops/tenants/" + a + "/api-keys", "{\"name\":\"crm\"}");
        assertThat(created.status()).isEqualTo(201);
        String key = created.json().path("key").asText();
        String id = created.json().path("id").asText();
        assertThat(key).startsWith("psk_" + id + "_");

        assertThat(withKey("/api/v1/tenants/" + a, key).status()).isEqualTo(200);
        assertThat(withKey("/api/v1/tenants/" + b, key).status()).isEqualTo(403);
        assertUnauthorized(withKey("/api/v1/tenants/" + a, key.substring(0, key.length() - 1) + "x"));
        assertUnauthorized(withKey("/api/v1/tenants/" + a, "psk_garbage"));

        Http.Response listed = http.ops("GET", "/ops/tenants/" + a + "/api-keys", null);
        assertThat(listed.body()).doesNotContain(key.substring(("psk_" + id + "_").length())); // the secret part
        assertThat(listed.json().findValuesAsText("name")).isEqualTo(List.of("crm"));

        assertThat(http.ops("DELETE", "/ops/tenants/" + a + "/api-keys/" + id, null).status()).isEqualTo(204);
        assertUnauthorized(withKey("/api/v1/tenants/" + a, key));
        assertThat(http.ops("DELETE", "/ops/tenants/" + b + "/api-keys/" + id, null).status()).isEqualTo(404);
    }
}
