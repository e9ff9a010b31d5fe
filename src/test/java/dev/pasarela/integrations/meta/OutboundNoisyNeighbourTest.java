package dev.pasarela.integrations.meta;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.pasarela.messaging.ConversationSink;
import dev.pasarela.security.ApiKeys;
import dev.pasarela.security.CredentialVault;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One tenant's backlog on one WhatsApp number, shaped to the number's rate, does not hold another
 * tenant's sends: they reach Meta while most of the backlog still waits for its slots, and the
 * backlog never goes out faster than the rate. Structural bounds only; the latencies are printed
 * ({@code OUTBOUND-NOISY-NEIGHBOUR}), never asserted.
 */
@GatewayTest
class OutboundNoisyNeighbourTest {

    static final WireMockServer GRAPH = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final int RATE = 10;
    static final int BACKLOG = 200;
    static final int OTHERS = 5;

    static {
        GRAPH.start();
    }

    @DynamicPropertySource
    static void graph(DynamicPropertyRegistry registry) {
        registry.add("pasarela.meta.graph-base-url", GRAPH::baseUrl);
        registry.add("pasarela.whatsapp.messages-per-second", () -> String.valueOf(RATE));
        // the backlog is sent faster than the enterprise plan's 100 API calls a second on a fast machine
        registry.add("pasarela.plans-file", () -> "classpath:plans/noisy-neighbour.yml");
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

    record Tenant(String id, String phone, String waba, String apiKey) {}

    Tenant tenant(String prefix) {
        String s = UUID.randomUUID().toString().replaceAll("[^0-9]", "").concat("0000000").substring(0, 7);
        Tenant t = new Tenant(prefix + "-" + s, "106541" + s, "102291" + s, null);
        tenants.upsert(t.id(), new TenantProfile("Autos " + prefix, "enterprise", null,
                Map.of("whatsapp", t.phone(), "whatsapp-business-account", t.waba())));
        vault.put(t.id(), "whatsapp", Map.of("accessToken", "EAAG-test-" + s));
        GRAPH.stubFor(post(urlEqualTo("/v25.0/" + t.phone() + "/messages")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(MetaWebhookFlowTest.fixture("graph/send.whatsapp.json"))));
        return new Tenant(t.id(), t.phone(), t.waba(), apiKeys.create(t.id(), "crm").key());
    }

    /** The contact writes first (the 24 h window opens), as Meta's signed webhook says. */
    void contactWrites(Http http, Tenant t, String waId) {
        byte[] body = ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"" + t.waba() + "\",\"changes\":[{"
                + "\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550783881\","
                + "\"phone_number_id\":\"" + t.phone() + "\"},\"contacts\":[{\"profile\":{\"name\":\"Ana\"},\"wa_id\":\""
                + waId + "\"}],\"messages\":[{\"from\":\"" + waId + "\",\"id\":\"wamid.in" + UUID.randomUUID()
                + "\",\"timestamp\":\"" + Instant.now().getEpochSecond() + "\",\"type\":\"text\",\"text\":{\"body\":"
                + "\"Hola\"}}]},\"field\":\"messages\"}]}]}").getBytes(StandardCharsets.UTF_8);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(http.base() + "/webhooks/meta"))
                .header("X-Hub-Signature-256", MetaWebhookFlowTest.sign(body)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> store.get(ConversationSink.conversationPath(t.id(),
                "whatsapp", waId)).map(d -> d.field("lastInboundAt")).isPresent());
    }

    void send(Http http, Tenant t, String waId, String text) {
        Http.Response r = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/whatsapp/messages"))
                .header("X-Api-Key", t.apiKey()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"+" + waId + "\",\"type\":\"text\",\"text\":{"
                        + "\"body\":\"" + text + "\"}}")));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
    }

    static List<LoggedRequest> sends(Tenant t) {
        return GRAPH.findAll(postRequestedFor(urlEqualTo("/v25.0/" + t.phone() + "/messages")));
    }

    @Test
    void aBacklogOnOneNumberDoesNotHoldAnotherTenantsSends() {
        Http http = new Http(port);
        Tenant noisy = tenant("noisy");
        Tenant quiet = tenant("quiet");
        String noisyContact = "52155" + noisy.id().substring(6);
        String quietContact = "52156" + quiet.id().substring(6);
        contactWrites(http, noisy, noisyContact);
        contactWrites(http, quiet, quietContact);
        // one send each first: the first Graph call of a process is slow (connections, classes) and
        // would land together with the next slots' calls
        send(http, noisy, noisyContact, "Hola");
        send(http, quiet, quietContact, "Cita previa");
        await().atMost(Duration.ofSeconds(20)).until(() -> sends(noisy).size() == 1 && sends(quiet).size() == 1);
        GRAPH.resetRequests();

        // queued by several clients at once: faster than the number's rate drains it
        java.util.stream.IntStream.range(0, BACKLOG).parallel().forEach(i -> send(http, noisy, noisyContact, "Aviso " + i));
        int noisySentBefore = sends(noisy).size();
        long[] queuedAt = new long[OTHERS];
        for (int i = 0; i < OTHERS; i++) {
            queuedAt[i] = System.currentTimeMillis();
            send(http, quiet, quietContact, "Cita " + i);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> sends(quiet).size() == OTHERS);
        int noisySentMeanwhile = sends(noisy).size();

        List<Long> latencies = new ArrayList<>();
        for (LoggedRequest r : sends(quiet)) {
            int i = Integer.parseInt(r.getBodyAsString().replaceAll("(?s).*\"Cita (\\d+)\".*", "$1"));
            latencies.add(r.getLoggedDate().getTime() - queuedAt[i]);
        }
        latencies.sort(null);
        System.out.printf("OUTBOUND-NOISY-NEIGHBOUR quiet tenant: %d sends behind a backlog of %d on one number at %d/s:"
                        + " p50=%d ms p99=%d ms max=%d ms; backlog sent before them %d, by their last %d%n", OTHERS, BACKLOG,
                RATE, latencies.get(latencies.size() / 2), latencies.get((int) Math.ceil(0.99 * latencies.size()) - 1),
                latencies.get(latencies.size() - 1), noisySentBefore, noisySentMeanwhile);
        assertThat(noisySentMeanwhile - noisySentBefore)
                .as("the quiet tenant's sends overtook most of the backlog still waiting when they were queued")
                .isLessThan((BACKLOG - noisySentBefore) / 2);

        // the backlog goes out in full, once each, and never faster than the number's rate
        await().atMost(Duration.ofSeconds(60)).until(() -> sends(noisy).size() >= BACKLOG);
        List<Long> at = sends(noisy).stream().map(r -> r.getLoggedDate().getTime()).sorted().toList();
        assertThat(at).hasSize(BACKLOG);
        long busiest = 0;
        for (long start : at) {
            busiest = Math.max(busiest, at.stream().filter(t -> t >= start && t < start + 1000).count());
        }
        System.out.printf("OUTBOUND-NOISY-NEIGHBOUR noisy number: busiest 1 s window %d sends (rate %d/s)%n", busiest, RATE);
        // each call is in the number's window from before it leaves until a second after its answer
        assertThat(busiest).as("sends of the noisy number in any 1 s window").isLessThanOrEqualTo(RATE);
        assertThat(at.get(at.size() - 1) - at.get(0)).as("the backlog's span: no faster than the rate overall")
                .isGreaterThanOrEqualTo((BACKLOG - 1) * 1000L / RATE - 1000);
        assertThat(http.ops("GET", "/ops/dlq/dlq.whatsapp.out.deliver", null).body()).doesNotContain(noisy.id());
    }
}
