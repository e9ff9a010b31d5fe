package dev.pasarela.integrations.stripe;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
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

/** Billing endpoints through the authenticated pipeline, stripe-java against a Stripe stand-in. */
@GatewayTest
@ExtendWith(OutputCaptureExtension.class)
class StripeBillingTest {

    static final String KEY = "sk_test_51PasarelaStandInOnly00000000000000000000000000000wxyz";
    static final WireMockServer STRIPE = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        STRIPE.start();
    }

    @DynamicPropertySource
    static void stripe(DynamicPropertyRegistry r) {
        r.add("pasarela.stripe.secret-key", () -> KEY);
        r.add("pasarela.stripe.api-base", STRIPE::baseUrl);
        r.add("pasarela.stripe.portal-return-url", () -> "https://app.example.com/cuenta");
        r.add("pasarela.stripe.checkout-success-url", () -> "https://app.example.com/gracias");
        r.add("pasarela.stripe.checkout-cancel-url", () -> "https://app.example.com/planes");
        r.add("pasarela.stripe.allowed-return-url-prefixes", () -> "https://app.example.com/");
    }

    @AfterAll
    static void stop() {
        STRIPE.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    TenantRepository tenants;
    Http http;
    String tenant;
    String apiKey;

    static String fixture(String name) {
        return dev.pasarela.support.Fixtures.read("stripe/api/" + name);
    }

    @BeforeEach
    void setUp() {
        STRIPE.resetAll();
        http = new Http(port);
        tenant = "bill-" + UUID.randomUUID().toString().substring(0, 6);
        tenants.upsert(tenant, new TenantProfile("Autos Billing", "enterprise", null, Map.of("stripe", "cus_" + tenant)));
        apiKey = http.ops("POST", "/ops/tenants/" + tenant + "/api-keys", null).json().path("key").asText();
    }

    Http.Response call(String path, String json, String idempotencyKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base() + path))
                .header("X-Api-Key", apiKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        return http.send(b);
    }

    @Test
    void portalSessionForTheCallersCustomer(CapturedOutput output) {
        STRIPE.stubFor(post("/v1/billing_portal/sessions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withHeader("Request-Id", "req_portal1")
                .withBody(fixture("billing_portal.session.json"))));
        Http.Response r = call("/api/v1/billing/portal-session", "{}", "idem-portal-1");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("url").asText()).startsWith("https://billing.stripe.com/p/session/");
        STRIPE.verify(postRequestedFor(urlPathEqualTo("/v1/billing_portal/sessions"))
                .withHeader("Authorization", equalTo("Bearer " + KEY))
                .withHeader("Idempotency-Key", equalTo(tenant + ":portal:idem-portal-1"))
                .withRequestBody(containing("customer=cus_" + tenant))
                .withRequestBody(containing("return_url=" + java.net.URLEncoder.encode("https://app.example.com/cuenta",
                        StandardCharsets.UTF_8))));
        assertThat(output.getAll()).doesNotContain(KEY);
    }

    @Test
    void checkoutSessionForAPlanCarriesTheTenantIntoTheSubscription() {
        STRIPE.stubFor(get(urlPathEqualTo("/v1/prices")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(fixture("prices.list.json"))));
        STRIPE.stubFor(post("/v1/checkout/sessions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(fixture("checkout.session.json"))));
        Http.Response r = call("/api/v1/billing/checkout-session", "{\"plan\":\"pro\"}", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("url").asText()).startsWith("https://checkout.stripe.com/c/pay/cs_test_");
        String body = URLDecoder.decode(STRIPE.findAll(postRequestedFor(urlPathEqualTo("/v1/checkout/sessions")))
                .get(0).getBodyAsString(), StandardCharsets.UTF_8);
        assertThat(body).contains("mode=subscription", "line_items[0][price]=price_1RyZoQLkdIwHu7ixPro00001",
                "line_items[0][quantity]=1", "subscription_data[metadata][tenant_id]=" + tenant,
                "client_reference_id=" + tenant, "customer=cus_" + tenant, "success_url=https://app.example.com/gracias");
        assertThat(STRIPE.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlPathEqualTo("/v1/prices")))
                .get(0).getUrl()).contains("lookup_keys");
    }

    @Test
    void stripesErrorsBecomeClearProblems(CapturedOutput output) {
        STRIPE.stubFor(post("/v1/billing_portal/sessions").willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody(fixture("error.resource_missing.json"))));
        Http.Response missing = call("/api/v1/billing/portal-session", "{}", null);
        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.json().path("detail").asText()).contains("resource_missing", "customer");

        STRIPE.stubFor(post("/v1/billing_portal/sessions").willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody(fixture("error.invalid_api_key.json"))));
        Http.Response badKey = call("/api/v1/billing/portal-session", "{}", null);
        assertThat(badKey.status()).isEqualTo(502);
        assertThat(badKey.json().path("type").asText()).endsWith("/billing-misconfigured");
        assertThat(badKey.body()).doesNotContain("sk_test");

        STRIPE.stubFor(post("/v1/billing_portal/sessions").willReturn(aResponse().withStatus(429)
                .withHeader("Content-Type", "application/json").withBody(fixture("error.rate_limit.json"))));
        Http.Response busy = call("/api/v1/billing/portal-session", "{}", null);
        assertThat(busy.status()).isEqualTo(429);
        assertThat(busy.raw().headers().firstValue("Retry-After")).isPresent();

        STRIPE.stubFor(post("/v1/billing_portal/sessions").willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody(fixture("error.api_error.json"))));
        assertThat(call("/api/v1/billing/portal-session", "{}", null).status()).isEqualTo(503);

        assertThat(output.getAll()).doesNotContain(KEY);
    }

    @Test
    void aTenantThatAlreadyPaysIsSentToThePortalNotToASecondSubscription(@Autowired dev.pasarela.store.DocumentStore store) {
        store.merge("tenants/" + tenant, Map.of("subscription", Map.of("status", "active", "externalId", "sub_1")));
        Http.Response r = call("/api/v1/billing/checkout-session", "{\"plan\":\"pro\"}", null);
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().path("type").asText()).endsWith("/already-subscribed");
        assertThat(STRIPE.getAllServeEvents()).isEmpty();
    }

    @Test
    void badRequestsAreRefusedBeforeStripeIsCalled() {
        assertThat(call("/api/v1/billing/checkout-session", "{\"plan\":\"free\"}", null).json().path("type").asText())
                .endsWith("/invalid-plan");
        for (String evil : new String[] {"https://evil.example.net/", "https://app.example.com.evil.net/x",
                "https://user@app.example.com/x", "http://app.example.com/x", "https://app.example.com:8443/x"}) {
            assertThat(call("/api/v1/billing/portal-session", "{\"returnUrl\":\"" + evil + "\"}", null)
                    .json().path("type").asText()).as(evil).endsWith("/invalid-url");
        }
        assertThat(StripeBilling.sameOriginUnder("https://app.example.com/cuenta/ok", "https://app.example.com/")).isTrue();
        Http.Response malformed = call("/api/v1/billing/checkout-session", "{\"plan\":", null);
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.contentType()).startsWith("application/problem+json");
        tenants.upsert(tenant, new TenantProfile("Autos Billing", null, null, Map.of()));
        assertThat(call("/api/v1/billing/portal-session", "{}", null).json().path("type").asText())
                .endsWith("/no-billing-account");
        assertThat(STRIPE.getAllServeEvents()).isEmpty();
    }
}
