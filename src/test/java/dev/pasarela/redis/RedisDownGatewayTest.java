package dev.pasarela.redis;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.pasarela.messaging.ConversationSink;
import dev.pasarela.messaging.MessageHistory;
import dev.pasarela.security.ApiKeys;
import dev.pasarela.security.CredentialVault;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.support.Fixtures;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import dev.pasarela.support.MetaFixtures;
import dev.pasarela.support.StripeFixtures;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The gateway configured for Redis that is not there (nothing listens on the port): it starts,
 * accepts and applies signed webhooks, refuses bad signatures as usual, and sends shaped messages,
 * each limit on this replica's own buckets, counted in {@code pasarela.limits.fallback}.
 */
@GatewayTest
@TestPropertySource(properties = {
        "pasarela.rate-limits.store=redis",
        "pasarela.rate-limits.redis-url=redis://127.0.0.1:19299"
})
class RedisDownGatewayTest {

    static final WireMockServer GRAPH = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        GRAPH.start();
    }

    @DynamicPropertySource
    static void graph(DynamicPropertyRegistry registry) {
        registry.add("pasarela.meta.graph-base-url", GRAPH::baseUrl);
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
    MeterRegistry meters;

    Http http;
    String suffix;

    @BeforeEach
    void setUp() {
        http = new Http(port);
        suffix = UUID.randomUUID().toString().replaceAll("[^0-9]", "").concat("0000000").substring(0, 7);
    }

    double fallbacks(String limit) {
        Counter c = meters.find("pasarela.limits.fallback").tag("limit", limit).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aSignedStripeWebhookIsAcceptedAndAppliedAndABadSignatureIsStill400() {
        String tenant = "dealer-" + suffix;
        String customer = "cus_" + suffix;
        tenants.upsert(tenant, new TenantProfile("Concesionario " + suffix, "free", "Europe/Madrid",
                Map.of("stripe", customer)));
        double delivery = fallbacks("delivery");
        double abuse = fallbacks("abuse");
        byte[] body = StripeFixtures.event("customer.subscription.updated.basil.json")
                .id("evt_" + UUID.randomUUID().toString().replace("-", "")).created(Instant.now().getEpochSecond())
                .customer(customer).tenantMetadata(tenant).status("active").bytes();

        Http.Response accepted = http.stripe(body, StripeFixtures.sign(body));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() ->
                "active".equals(store.get(TenantRepository.path(tenant)).orElseThrow().field("subscription.status")));
        assertThat(fallbacks("delivery")).as("its delivery was shaped on this replica's bucket").isGreaterThan(delivery);

        byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("\"active\"", "\"unpaid\"")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(http.stripe(tampered, StripeFixtures.sign(body)).status()).isEqualTo(400);
        assertThat(fallbacks("abuse")).isGreaterThan(abuse);
    }

    @Test
    void aWhatsAppSendIsRateLimitedShapedAndSent() {
        String tenant = "send-" + suffix;
        String phone = "106541" + suffix;
        String waba = "102291" + suffix;
        tenants.upsert(tenant, new TenantProfile("Autos " + suffix, "enterprise", "America/Mexico_City",
                Map.of("whatsapp", phone, "whatsapp-business-account", waba)));
        vault.put(tenant, "whatsapp", Map.of("accessToken", "EAAG-redis-down-" + suffix));
        String apiKey = apiKeys.create(tenant, "crm").key();
        GRAPH.stubFor(post(urlEqualTo("/v25.0/" + phone + "/messages")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(Fixtures.read("meta/graph/send.whatsapp.json").trim())));
        String waId = "52155123" + suffix.substring(0, 5);
        contactWrites(tenant, waba, phone, waId);
        double rate = fallbacks("rate");
        double send = fallbacks("send");

        Http.Response sent = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/whatsapp/messages"))
                .header("X-Api-Key", apiKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"+" + waId
                        + "\",\"type\":\"text\",\"text\":{\"body\":\"Su cita es mañana\"}}")));
        assertThat(sent.status()).as(sent.body()).isEqualTo(202);
        assertThat(sent.raw().headers().firstValue("RateLimit-Limit")).as("still rate limited").isPresent();
        String path = MessageHistory.messagePath(tenant, sent.json().path("id").asText());
        await().atMost(Duration.ofSeconds(20)).until(() -> store.get(path).orElseThrow().field("providerMessageId") != null);
        assertThat(GRAPH.findAll(postRequestedFor(urlEqualTo("/v25.0/" + phone + "/messages")))).hasSize(1);
        assertThat(fallbacks("rate")).isGreaterThan(rate);
        assertThat(fallbacks("send")).isGreaterThan(send);
    }

    /** The contact writes first (a signed webhook), so a free-form text is inside the 24-hour window. */
    void contactWrites(String tenant, String waba, String phone, String waId) {
        byte[] body = MetaFixtures.whatsAppText(waba, phone, waId, "wamid.in" + UUID.randomUUID(), "Hola");
        Http.Response r = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/webhooks/meta"))
                .header("X-Hub-Signature-256", MetaFixtures.sign(body)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        assertThat(r.status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> store.get(ConversationSink.conversationPath(tenant, "whatsapp",
                waId)).map(d -> d.field("lastInboundAt")).isPresent());
    }
}
