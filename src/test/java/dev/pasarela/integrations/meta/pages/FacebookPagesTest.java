package dev.pasarela.integrations.meta.pages;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.pasarela.integrations.meta.MetaAccounts;
import dev.pasarela.security.ApiKeys;
import dev.pasarela.security.CredentialVault;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.support.Fixtures;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
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
 * Facebook page management through a Graph API stand-in answering with Meta's documented bodies
 * (src/test/resources/meta/graph/pages/): connecting (token exchange, pages listed without their
 * tokens), choosing a page (Messenger and Instagram credentials and identities, the routing index),
 * the daily {@code /debug_token} check (an expiring token in the ops report and the gauge, a revoked
 * one marking the integration needs-reauth), and no token in any answer.
 */
@GatewayTest
class FacebookPagesTest {

    static final WireMockServer GRAPH = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final String APP_ID = "1234567890123456";

    static {
        GRAPH.start();
    }

    @DynamicPropertySource
    static void graph(DynamicPropertyRegistry registry) {
        registry.add("pasarela.meta.graph-base-url", GRAPH::baseUrl);
        registry.add("pasarela.meta.app-id", () -> APP_ID);
        registry.add("pasarela.meta.pages.token-check-delay", () -> "PT1H"); // tests run the check themselves
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
    MetaAccounts accounts;
    @Autowired
    MeterRegistry meters;

    Http http;
    String tenant;
    String apiKey;
    String shortToken;
    String longToken;
    /** pages A (all tasks, Instagram linked), B (no CREATE_CONTENT), C (second page of /me/accounts) */
    String pageA;
    String pageB;
    String pageC;
    String igA;
    String tokenA;
    String tokenB;
    String tokenC;
    Map<String, String> swaps;

    @BeforeEach
    void tenant() {
        http = new Http(port);
        String s = UUID.randomUUID().toString().replaceAll("[^0-9]", "").concat("0000000").substring(0, 7);
        tenant = "fb-" + s;
        tenants.upsert(tenant, new TenantProfile("Autos Lola", "enterprise", "Europe/Madrid", Map.of()));
        apiKey = apiKeys.create(tenant, "web").key();
        shortToken = "EAAJqShortLived-" + s;
        longToken = "EAAJqLongLived-" + s;
        pageA = "1045" + s + "01";
        pageB = "1045" + s + "02";
        pageC = "1045" + s + "03";
        igA = "178414" + s + "1";
        tokenA = "EAAJqPageA-" + s;
        tokenB = "EAAJqPageB-" + s;
        tokenC = "EAAJqPageC-" + s;
        swaps = new LinkedHashMap<>();
        swaps.put("EAAJqLongLivedUserToken0fixture0000000000000000", longToken);
        swaps.put("EAAJqPageTokenAutosLola0fixture00000000000000", tokenA);
        swaps.put("EAAJqPageTokenTallerLola0fixture0000000000000", tokenB);
        swaps.put("EAAJqPageTokenOcasion0fixture000000000000000", tokenC);
        swaps.put("104560000000001", pageA);
        swaps.put("104560000000002", pageB);
        swaps.put("104560000000003", pageC);
        swaps.put("17841400000000001", igA);
    }

    /** A Graph answer of graph/pages/, with this test's tokens and ids. */
    String fixture(String name) {
        String body = Fixtures.read("meta/graph/pages/" + name).trim();
        for (Map.Entry<String, String> e : swaps.entrySet()) {
            body = body.replace(e.getKey(), e.getValue());
        }
        return body;
    }

    static ResponseDefinitionBuilder okJson(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    void graphKnowsTheUser() {
        GRAPH.stubFor(get(urlPathEqualTo("/v25.0/oauth/access_token")).withQueryParam("fb_exchange_token", equalTo(shortToken))
                .willReturn(okJson(fixture("oauth.access_token.json"))));
        GRAPH.stubFor(get(urlPathEqualTo("/v25.0/me/accounts")).withHeader("Authorization", equalTo("Bearer " + longToken))
                .withQueryParam("after", absent()).willReturn(okJson(fixture("me.accounts.page1.json"))));
        GRAPH.stubFor(get(urlPathEqualTo("/v25.0/me/accounts")).withHeader("Authorization", equalTo("Bearer " + longToken))
                .withQueryParam("after", equalTo("QVFIUmFfcGFnZTI")).willReturn(okJson(fixture("me.accounts.page2.json"))));
        GRAPH.stubFor(get(urlPathEqualTo("/v25.0/" + pageA)).withHeader("Authorization", equalTo("Bearer " + tokenA))
                .willReturn(okJson(fixture("page.json"))));
    }

    void debugTokenSays(String token, String body) {
        GRAPH.stubFor(get(urlPathEqualTo("/v25.0/debug_token")).withQueryParam("input_token", equalTo(token))
                .willReturn(okJson(body)));
    }

    Http.Response api(String method, String path, String json) {
        Http.Response r = http.send(HttpRequest.newBuilder(URI.create(http.base() + path)).header("X-Api-Key", apiKey)
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)));
        assertNoTokens(r.body());
        return r;
    }

    Http.Response ops(String method, String path) {
        Http.Response r = http.ops(method, path, null);
        assertNoTokens(r.body());
        return r;
    }

    void assertNoTokens(String body) {
        assertThat(body).doesNotContain(shortToken, longToken, tokenA, tokenB, tokenC, GatewayTest.META_APP_SECRET)
                .doesNotContainIgnoringCase("access_token").doesNotContainIgnoringCase("accessToken");
    }

    Http.Response connect() {
        return api("POST", "/api/v1/facebook/connect", "{\"userAccessToken\":\"" + shortToken + "\"}");
    }

    static List<String> ids(JsonNode pages) {
        return StreamSupport.stream(pages.spliterator(), false).map(p -> p.path("id").asText()).toList();
    }

    JsonNode findings() {
        Http.Response r = ops("GET", "/ops/meta/tokens");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("tokens");
    }

    JsonNode finding(String provider) {
        for (JsonNode f : findings()) {
            if (tenant.equals(f.path("tenantId").asText()) && provider.equals(f.path("provider").asText())) {
                return f;
            }
        }
        return null;
    }

    @Test
    void connectingExchangesTheTokenKeepsItEncryptedAndListsEveryPageWithoutTokens() {
        graphKnowsTheUser();

        Http.Response r = connect();

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(ids(r.json().path("pages"))).containsExactly(pageA, pageB, pageC); // both pages of /me/accounts
        JsonNode a = r.json().path("pages").get(0);
        assertThat(a.path("name").asText()).isEqualTo("Autos Lola");
        assertThat(a.path("category").asText()).isEqualTo("Car Dealership");
        assertThat(a.path("instagramAccountId").asText()).isEqualTo(igA);
        assertThat(a.path("tasks").toString()).contains("CREATE_CONTENT", "MESSAGING");
        assertThat(Instant.parse(r.json().path("userTokenExpiresAt").asText()))
                .isCloseTo(Instant.now().plusSeconds(5183944), within(Duration.ofMinutes(1)));
        GRAPH.verify(getRequestedFor(urlPathEqualTo("/v25.0/oauth/access_token"))
                .withQueryParam("grant_type", equalTo("fb_exchange_token"))
                .withQueryParam("client_id", equalTo(APP_ID))
                .withQueryParam("client_secret", equalTo(GatewayTest.META_APP_SECRET))
                .withQueryParam("fb_exchange_token", equalTo(shortToken)));
        GRAPH.verify(getRequestedFor(urlPathEqualTo("/v25.0/me/accounts"))
                .withQueryParam("fields", equalTo(FacebookGraph.ACCOUNT_FIELDS))
                .withHeader("Authorization", equalTo("Bearer " + longToken)));

        // the long-lived token is in the vault, encrypted: the stored document does not hold it
        assertThat(vault.credentials(tenant, "facebook-user").orElseThrow().get("accessToken")).isEqualTo(longToken);
        assertThat(store.get("tenants/" + tenant + "/credentials/facebook-user").orElseThrow().data().toString())
                .doesNotContain(longToken).contains("ciphertext");

        Http.Response listed = api("GET", "/api/v1/facebook/pages", null);
        assertThat(listed.status()).as(listed.body()).isEqualTo(200);
        assertThat(ids(listed.json().path("pages"))).containsExactly(pageA, pageB, pageC);
    }

    @Test
    void choosingAPageKeepsItsTokenForMessengerAndInstagramAndRoutesItsWebhooksToTheTenant() {
        graphKnowsTheUser();
        assertThat(connect().status()).isEqualTo(200);

        Http.Response r = api("PUT", "/api/v1/facebook/page", "{\"pageId\":\"" + pageA + "\"}");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("page").path("id").asText()).isEqualTo(pageA);
        assertThat(vault.credentials(tenant, "messenger").orElseThrow().get("accessToken")).isEqualTo(tokenA);
        assertThat(vault.credentials(tenant, "instagram").orElseThrow().get("accessToken")).isEqualTo(tokenA);
        assertThat(tenants.find(tenant).orElseThrow().identities()).containsEntry("facebook", pageA)
                .containsEntry("instagram", igA);
        // the routing index: a Messenger webhook for this page (entry.id) and an Instagram one find the tenant
        assertThat(store.get(TenantRepository.routingPath("facebook:" + pageA)).orElseThrow().field("tenantId"))
                .isEqualTo(tenant);
        assertThat(store.get(TenantRepository.routingPath("instagram:" + igA)).orElseThrow().field("tenantId"))
                .isEqualTo(tenant);
        // and what Messenger sends use
        assertThat(accounts.account(tenant, "messenger").senderId()).isEqualTo(pageA);

        Http.Response page = api("GET", "/api/v1/facebook/page", null);
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        assertThat(page.json().path("status").asText()).isEqualTo("connected");
        assertThat(page.json().path("page").path("name").asText()).isEqualTo("Autos Lola");
        assertThat(page.json().path("page").path("fanCount").asLong()).isEqualTo(1523);
        assertThat(page.json().path("page").path("followersCount").asLong()).isEqualTo(1688);
        assertThat(page.json().path("page").path("instagramAccountId").asText()).isEqualTo(igA);
        GRAPH.verify(getRequestedFor(urlPathEqualTo("/v25.0/" + pageA))
                .withQueryParam("fields", equalTo(FacebookGraph.PAGE_FIELDS))
                .withHeader("Authorization", equalTo("Bearer " + tokenA)));
    }

    @Test
    void aPageWhereTheUserCannotCreateContentIsRefusedNamingTheTask() {
        graphKnowsTheUser();
        assertThat(connect().status()).isEqualTo(200);

        Http.Response r = api("PUT", "/api/v1/facebook/page", "{\"pageId\":\"" + pageB + "\"}");

        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("type").asText()).endsWith("/facebook-page-task-missing");
        assertThat(r.json().path("detail").asText()).contains("CREATE_CONTENT");
        assertThat(vault.credentials(tenant, "messenger")).isEmpty();
        assertThat(tenants.find(tenant).orElseThrow().identities()).doesNotContainKey("facebook");
        assertThat(store.get(TenantRepository.routingPath("facebook:" + pageB))).isEmpty();
    }

    @Test
    void anExpiredFacebookLoginTokenIsA4xxThatDoesNotEchoItAndNothingIsStored() {
        GRAPH.stubFor(get(urlPathEqualTo("/v25.0/oauth/access_token")).withQueryParam("fb_exchange_token", equalTo(shortToken))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody(fixture("error.190.expired.json"))));

        Http.Response r = connect();

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("type").asText()).endsWith("/facebook-token-invalid");
        assertThat(r.json().path("detail").asText()).contains("invalid or expired");
        assertThat(vault.credentials(tenant, "facebook-user")).isEmpty();
        GRAPH.verify(0, getRequestedFor(urlPathEqualTo("/v25.0/me/accounts"))
                .withHeader("Authorization", equalTo("Bearer " + longToken)));

        Http.Response pages = api("GET", "/api/v1/facebook/pages", null);
        assertThat(pages.status()).as(pages.body()).isEqualTo(404);
        assertThat(pages.json().path("type").asText()).endsWith("/facebook-not-connected");
    }

    @Test
    void theDailyCheckReportsATokenExpiringInThreeDaysAndExportsItsDaysLeft() {
        graphKnowsTheUser();
        assertThat(connect().status()).isEqualTo(200);
        assertThat(finding("facebook-user")).as("a fresh 60-day token is not reported").isNull();
        long inThreeDays = Instant.now().plus(Duration.ofDays(3)).getEpochSecond();
        debugTokenSays(longToken, fixture("debug_token.user.json").replace("\"expires_at\":1830000000",
                "\"expires_at\":" + inThreeDays));

        assertThat(http.ops("GET", "/ops/meta/tokens", null, null).status()).as("ops token required").isEqualTo(401);
        Http.Response check = ops("POST", "/ops/meta/tokens/check");

        assertThat(check.status()).as(check.body()).isEqualTo(200);
        GRAPH.verify(getRequestedFor(urlPathEqualTo("/v25.0/debug_token")).withQueryParam("input_token", equalTo(longToken))
                .withHeader("Authorization", equalTo("Bearer " + APP_ID + "|" + GatewayTest.META_APP_SECRET)));
        JsonNode f = finding("facebook-user");
        assertThat(f).as("report %s", findings()).isNotNull();
        assertThat(f.path("status").asText()).isEqualTo("expiring");
        assertThat(f.path("daysLeft").asDouble()).isCloseTo(3.0, within(0.01));
        assertThat(Instant.parse(f.path("expiresAt").asText()).getEpochSecond()).isEqualTo(inThreeDays);
        Gauge gauge = meters.find("pasarela.meta.token.expires.days").tag("tenant", tenant)
                .tag("provider", "facebook-user").gauge();
        assertThat(gauge).isNotNull();
        assertThat(gauge.value()).isCloseTo(3.0, within(0.01));
        // what the check learnt is kept with the integration
        var doc = store.get(MetaAccounts.statusPath(tenant, "facebook-user")).orElseThrow();
        assertThat(doc.field("tokenCheck.valid")).isEqualTo(true);
        assertThat(doc.field("tokenCheck.scopes").toString()).contains("pages_manage_posts");
        assertThat(doc.data().toString()).doesNotContain(longToken);
    }

    @Test
    void aRevokedPageTokenMarksTheIntegrationNeedsReauthUntilThePageIsChosenAgain() {
        graphKnowsTheUser();
        assertThat(connect().status()).isEqualTo(200);
        assertThat(api("PUT", "/api/v1/facebook/page", "{\"pageId\":\"" + pageA + "\"}").status()).isEqualTo(200);
        debugTokenSays(longToken, fixture("debug_token.user.json"));
        debugTokenSays(tokenA, fixture("debug_token.invalid.json"));

        assertThat(ops("POST", "/ops/meta/tokens/check").status()).isEqualTo(200);

        assertThat(accounts.needsReauth(tenant, "messenger")).isTrue();
        assertThat(accounts.needsReauth(tenant, "facebook-user")).isFalse();
        int pageReads = GRAPH.findAll(getRequestedFor(urlPathEqualTo("/v25.0/" + pageA))).size();
        Http.Response page = api("GET", "/api/v1/facebook/page", null);
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        assertThat(page.json().path("status").asText()).isEqualTo("needs-reauth");
        assertThat(page.json().path("pageId").asText()).isEqualTo(pageA);
        assertThat(page.json().path("tokens").toString()).contains("\"provider\":\"messenger\",\"status\":\"needs-reauth\"");
        assertThat(GRAPH.findAll(getRequestedFor(urlPathEqualTo("/v25.0/" + pageA)))).as("no call with a refused token")
                .hasSize(pageReads);
        assertThat(finding("messenger")).isNotNull();
        assertThat(finding("messenger").path("status").asText()).isEqualTo("needs-reauth");
        assertThat(meters.find("pasarela.meta.token.expires.days").tag("tenant", tenant).tag("provider", "messenger")
                .gauge().value()).isZero();

        // the tenant logs in again and chooses its page: connected again
        assertThat(api("PUT", "/api/v1/facebook/page", "{\"pageId\":\"" + pageA + "\"}").status()).isEqualTo(200);
        assertThat(accounts.needsReauth(tenant, "messenger")).isFalse();
        assertThat(api("GET", "/api/v1/facebook/page", null).json().path("status").asText()).isEqualTo("connected");
        assertThat(finding("messenger")).isNull();
    }

    @Test
    void aPageTokenRefusedWhileReadingThePageMarksItNeedsReauth() {
        graphKnowsTheUser();
        assertThat(connect().status()).isEqualTo(200);
        assertThat(api("PUT", "/api/v1/facebook/page", "{\"pageId\":\"" + pageA + "\"}").status()).isEqualTo(200);
        GRAPH.stubFor(get(urlPathEqualTo("/v25.0/" + pageA)).withHeader("Authorization", equalTo("Bearer " + tokenA))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody(Fixtures.read("meta/graph/error.190.json"))));

        Http.Response page = api("GET", "/api/v1/facebook/page", null);

        assertThat(page.status()).as(page.body()).isEqualTo(200);
        assertThat(page.json().path("status").asText()).isEqualTo("needs-reauth");
        assertThat(page.json().has("page")).isFalse();
        assertThat(accounts.needsReauth(tenant, "messenger")).isTrue();
        assertThat(store.get(MetaAccounts.statusPath(tenant, "messenger")).orElseThrow().field("revokedToken.code"))
                .isEqualTo(190L);
    }

    @Test
    void aFacebookLoginRefusedWhileListingPagesNeedsReauthUntilTheTenantConnectsAgain() {
        graphKnowsTheUser();
        assertThat(connect().status()).isEqualTo(200);
        GRAPH.stubFor(get(urlPathEqualTo("/v25.0/me/accounts")).withHeader("Authorization", equalTo("Bearer " + longToken))
                .withQueryParam("after", absent()).willReturn(aResponse().withStatus(400)
                        .withHeader("Content-Type", "application/json").withBody(fixture("error.190.expired.json"))));

        Http.Response refused = api("GET", "/api/v1/facebook/pages", null);

        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().path("type").asText()).endsWith("/facebook-needs-reauth");
        assertThat(accounts.needsReauth(tenant, "facebook-user")).isTrue();
        assertThat(finding("facebook-user").path("status").asText()).isEqualTo("needs-reauth");

        graphKnowsTheUser(); // the tenant logged in again
        assertThat(connect().status()).isEqualTo(200);
        assertThat(accounts.needsReauth(tenant, "facebook-user")).isFalse();
        assertThat(api("GET", "/api/v1/facebook/pages", null).status()).isEqualTo(200);
    }
}
