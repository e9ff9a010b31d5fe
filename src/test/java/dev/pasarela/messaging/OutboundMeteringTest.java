package dev.pasarela.messaging;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.pasarela.security.ApiKeys;
import dev.pasarela.security.CredentialVault;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.support.Fixtures;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import dev.pasarela.support.MetaFixtures;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One quota unit per message a provider took or may have taken, none for one it cannot have:
 * a WhatsApp send that times out (Meta may have taken it) stays metered when its retries run out;
 * a retry of an Idempotency-Key that queues a message its first call left unqueued is counted once.
 */
@GatewayTest
class OutboundMeteringTest {

    static final WireMockServer GRAPH = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        GRAPH.start();
    }

    @DynamicPropertySource
    static void graph(DynamicPropertyRegistry registry) {
        registry.add("pasarela.meta.graph-base-url", GRAPH::baseUrl);
        // Graph answers slower than this: the read times out after Meta may have taken the message
        registry.add("pasarela.meta.graph-timeout", () -> "PT0.3S");
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
    CamelContext camel;
    @Autowired
    MessageHistory history;
    @Autowired
    MeterRegistry meters;

    Http http;
    String tenant;
    String phone;
    String waba;
    String apiKey;

    @BeforeEach
    void tenant() {
        http = new Http(port);
        String s = UUID.randomUUID().toString().replaceAll("[^0-9]", "").concat("0000000").substring(0, 7);
        tenant = "meter-" + s;
        phone = "106541" + s;
        waba = "102291" + s;
        tenants.upsert(tenant, new TenantProfile("Autos Cuota", "enterprise", "America/Mexico_City",
                Map.of("whatsapp", phone, "whatsapp-business-account", waba)));
        vault.put(tenant, "whatsapp", Map.of("accessToken", "EAAG-meter-" + s));
        apiKey = apiKeys.create(tenant, "crm").key();
    }

    @Test
    void aSendThatTimesOutAfterMetaMayHaveTakenItStaysMeteredWhenItsRetriesRunOut() {
        // Meta answers, but after the client gave up: whether it took the message is unknown
        GRAPH.stubFor(post(urlEqualTo("/v25.0/" + phone + "/messages")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(graph("send.whatsapp.json"))
                .withFixedDelay(1500)));
        String waId = "5215512349001";
        contactWrites(waId);
        Http.Response sent = send(waId, null);
        assertThat(sent.status()).as(sent.body()).isEqualTo(202);
        String path = MessageHistory.messagePath(tenant, sent.json().path("id").asText());

        await().atMost(Duration.ofSeconds(60)).until(() -> "failed".equals(store.get(path).orElseThrow().field("status")));
        assertThat(store.get(path).orElseThrow().field("error.code")).isEqualTo("retries-exhausted");
        assertThat(GRAPH.findAll(postRequestedFor(urlEqualTo("/v25.0/" + phone + "/messages")))).isNotEmpty();
        assertThat(usedWhatsApp()).isEqualTo(1);
        assertThat(store.get(path).orElseThrow().field("metered.givenBack")).isNull();
    }

    @Test
    void aRetryThatQueuesAMessageItsFirstCallLeftUnqueuedIsCountedOnce() throws Exception {
        GRAPH.stubFor(post(urlEqualTo("/v25.0/" + phone + "/messages")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(graph("send.whatsapp.json"))));
        String waId = "5215512349002";
        contactWrites(waId);
        Http.Response first;
        double brokerSide = enqueued("broker-side");
        double byJms = enqueued("jms");
        camel.getRouteController().stopRoute("whatsapp.out.deliver"); // held while we make it a leftover
        try {
            first = send(waId, "cita-7");
            assertThat(first.status()).as(first.body()).isEqualTo(202);
            // as a first call whose queueing and undoing both failed would leave it: accepted, never attempted,
            // its unit given back by the Outbox (the 503 kept the interceptor from doing it); here its copy
            // is held on the stopped route, so the retries' copies race it, as behind a backlog
            String path = MessageHistory.messagePath(tenant, first.json().path("id").asText());
            // what replicas of a version before named copies look for before queueing it again (rolling deploy)
            assertThat(store.get(path).orElseThrow().field("queuedAt")).isNotNull();
            Map<String, Object> message = new LinkedHashMap<>(store.get(path).orElseThrow().data());
            message.put("createdAt", ConversationSink.sortable(Instant.now().minus(Duration.ofMinutes(2))));
            store.set(path, message);
            history.giveBackUnit(tenant, first.json().path("id").asText());
            assertThat(usedWhatsApp()).isZero();

            Http.Response retry = send(waId, "cita-7");
            assertThat(retry.status()).as(retry.body()).isEqualTo(202);
            assertThat(retry.json().path("id").asText()).isEqualTo(first.json().path("id").asText());
            assertThat(retry.raw().headers().firstValue("Idempotent-Replayed")).contains("true");
            assertThat(usedWhatsApp()).isEqualTo(1); // the retry queued it: its unit pays for it, not given back

            // still waiting on its queue (the route is stopped): queued once more, its copies send it once, and
            // this replay spends nothing
            Http.Response again = send(waId, "cita-7");
            assertThat(again.status()).isEqualTo(202);
            assertThat(usedWhatsApp()).isEqualTo(1);
        } finally {
            camel.getRouteController().startRoute("whatsapp.out.deliver");
        }
        String path = MessageHistory.messagePath(tenant, first.json().path("id").asText());
        await().atMost(Duration.ofSeconds(30)).until(() -> store.get(path).orElseThrow().field("providerMessageId") != null);
        assertThat(usedWhatsApp()).isEqualTo(1);
        // three copies were queued (the first call's, both retries'): one reached Meta
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> GRAPH.findAll(
                postRequestedFor(urlEqualTo("/v25.0/" + phone + "/messages"))).stream()
                .filter(r -> r.getBodyAsString().contains(waId)).count() == 1);
        assertThat(store.get(path).orElseThrow().field("sendAttempts")).isEqualTo(1L);
        // on the embedded defaults each copy was queued on the broker's side
        assertThat(enqueued("broker-side")).isGreaterThanOrEqualTo(brokerSide + 3);
        assertThat(enqueued("jms")).isEqualTo(byJms);
    }

    double enqueued(String path) {
        var c = meters.find("pasarela.enqueue").tags("queue", "out.whatsapp", "path", path).counter();
        return c == null ? 0 : c.count();
    }

    long usedWhatsApp() {
        Http.Response r = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/usage"))
                .header("X-Api-Key", apiKey).GET());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("channels").path("whatsapp").path("used").asLong();
    }

    Http.Response send(String waId, String idempotencyKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/whatsapp/messages"))
                .header("X-Api-Key", apiKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"+" + waId
                        + "\",\"type\":\"text\",\"text\":{\"body\":\"Su cita es mañana\"}}"));
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        return http.send(b);
    }

    static String graph(String name) {
        return Fixtures.read("meta/graph/" + name).trim();
    }

    /** The contact writes first (a signed webhook), so a free-form text is inside the 24-hour window. */
    void contactWrites(String waId) {
        byte[] body = ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"" + waba + "\",\"changes\":[{\"value\":{"
                + "\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550783881\","
                + "\"phone_number_id\":\"" + phone + "\"},\"contacts\":[{\"profile\":{\"name\":\"Ana\"},\"wa_id\":\""
                + waId + "\"}],\"messages\":[{\"from\":\"" + waId + "\",\"id\":\"wamid.in" + UUID.randomUUID()
                + "\",\"timestamp\":\"" + Instant.now().getEpochSecond() + "\",\"type\":\"text\",\"text\":{\"body\":\"Hola\"}}]},"
                + "\"field\":\"messages\"}]}]}").getBytes(StandardCharsets.UTF_8);
        Http.Response r = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/webhooks/meta"))
                .header("X-Hub-Signature-256", MetaFixtures.sign(body)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        assertThat(r.status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> store.get(ConversationSink.conversationPath(tenant, "whatsapp",
                waId)).map(d -> d.field("lastInboundAt")).isPresent());
    }
}
