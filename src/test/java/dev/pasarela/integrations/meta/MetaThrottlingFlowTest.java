package dev.pasarela.integrations.meta;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.pasarela.messaging.ConversationSink;
import dev.pasarela.security.ApiKeys;
import dev.pasarela.security.CredentialVault;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import dev.pasarela.support.MetaFixtures;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Meta throttles a send and says, in its business use case header, when access comes back: the
 * gateway retries without calling Meta until then, then sends. Request counts, not wall time: the
 * gateway's clock is moved past Meta's estimate.
 */
@GatewayTest
@Import(MetaThrottlingFlowTest.Clocks.class)
class MetaThrottlingFlowTest {

    static final WireMockServer GRAPH = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        GRAPH.start();
    }

    /** The system clock, plus however far the test moved it. */
    static final class ShiftedClock extends Clock {
        volatile Duration offset = Duration.ZERO;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Clocks {
        @Bean
        @Primary
        ShiftedClock shiftedClock() {
            return new ShiftedClock();
        }
    }

    @DynamicPropertySource
    static void graph(DynamicPropertyRegistry registry) {
        registry.add("pasarela.meta.graph-base-url", GRAPH::baseUrl);
        // the refused attempts are redeliveries: enough of them to outlast the test's step
        // Meta's regain time is minutes and the test moves the clock instead: the message is put back on
        // its queue for at most 0.3 s each time (not the minutes asked), so it comes back, is held
        // again, and is sent once the clock passes the regain time; with only the 3 redeliveries of
        // @GatewayTest and no deferral it would be dead-lettered within a second
        registry.add("pasarela.retry.max-deferral-ms", () -> "300");
        registry.add("pasarela.retry.max-deferrals", () -> "100");
        registry.add("pasarela.meta.usage-max-delay", () -> "PT0.05S");
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
    @Autowired
    ShiftedClock clock;

    Http http;
    String tenant;
    String page;
    String phone;
    String waba;
    String apiKey;

    @BeforeEach
    void tenant() {
        http = new Http(port);
        String s = UUID.randomUUID().toString().replaceAll("[^0-9]", "").concat("0000000").substring(0, 7);
        tenant = "thr-" + s;
        page = "113377" + s;
        phone = "106577" + s;
        waba = "102277" + s;
        tenants.upsert(tenant, new TenantProfile("Autos Cupo", "enterprise", null,
                Map.of("facebook", page, "whatsapp", phone, "whatsapp-business-account", waba)));
        vault.put(tenant, "messenger", Map.of("accessToken", "EAAP-page-" + s));
        vault.put(tenant, "whatsapp", Map.of("accessToken", "EAAG-test-" + s));
        apiKey = apiKeys.create(tenant, "crm").key();
    }

    static String buc(String id, String type, int percent, int regainMinutes) {
        return "{\"" + id + "\":[{\"type\":\"" + type + "\",\"call_count\":" + percent + ",\"total_cputime\":12,"
                + "\"total_time\":15,\"estimated_time_to_regain_access\":" + regainMinutes + "}]}";
    }

    static ResponseDefinitionBuilder throttled(int code, String buc) {
        return aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withHeader("X-Business-Use-Case-Usage", buc)
                .withBody("{\"error\":{\"message\":\"(#" + code + ") There have been too many calls.\",\"type\":\"OAuthException\","
                        + "\"code\":" + code + ",\"fbtrace_id\":\"AThr0ttl3d\"}}");
    }

    static ResponseDefinitionBuilder ok(String fixture, String buc) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withHeader("X-Business-Use-Case-Usage", buc).withBody(MetaWebhookFlowTest.fixture("graph/" + fixture));
    }

    Http.Response api(String path, String json) {
        return http.send(HttpRequest.newBuilder(URI.create(http.base() + path)).header("X-Api-Key", apiKey)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    JsonNode message(String id) {
        return http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/messages/" + id))
                .header("X-Api-Key", apiKey).GET()).json();
    }

    double refused() {
        var c = meters.find("pasarela.meta.usage.held").tag("outcome", "refused").counter();
        return c == null ? 0 : c.count();
    }

    int sends(String object) {
        return GRAPH.findAll(postRequestedFor(urlEqualTo("/v25.0/" + object + "/messages"))).size();
    }

    /** Meta throttled once and said when access comes back: no call before, one after. */
    void awaitHeldThenSent(String channel, String object, String id) {
        await().atMost(Duration.ofSeconds(20)).until(() -> sends(object) == 1);
        double before = refused();
        await().atMost(Duration.ofSeconds(20)).until(() -> refused() >= before + 3); // redeliveries refused here
        assertThat(sends(object)).as("no call reaches Meta before its regain time").isEqualTo(1);
        assertThat(message(id).path("status").asText()).isNotEqualTo("submitted");

        clock.offset = clock.offset.plusMinutes(3); // past Meta's estimate
        await().atMost(Duration.ofSeconds(20)).until(() -> "submitted".equals(message(id).path("status").asText()));
        assertThat(sends(object)).isEqualTo(2);
        assertThat(http.ops("GET", "/ops/dlq/dlq." + channel + ".out.deliver", null).body()).doesNotContain(id);
    }

    @Test
    void aPageThrottledWith80001IsRetriedOnlyOnceMetasRegainTimeHasPassed() {
        GRAPH.stubFor(post(urlEqualTo("/v25.0/" + page + "/messages")).inScenario("buc-" + page)
                .whenScenarioStateIs(Scenario.STARTED).willReturn(throttled(80001, buc(page, "pages", 100, 2)))
                .willSetStateTo("regained"));
        GRAPH.stubFor(post(urlEqualTo("/v25.0/" + page + "/messages")).inScenario("buc-" + page)
                .whenScenarioStateIs("regained").willReturn(ok("send.messenger.json", buc(page, "pages", 35, 0))));
        Http.Response r = api("/api/v1/messenger/messages", "{\"to\":\"1254477" + tenant.substring(4)
                + "\",\"text\":{\"body\":\"Su auto está listo\"},\"tag\":\"POST_PURCHASE_UPDATE\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        awaitHeldThenSent("messenger", page, r.json().path("id").asText());
        assertThat(meters.get("pasarela.meta.usage.percent").tags("key_type", "pages", "key", page).gauge().value())
                .isEqualTo(35);
    }

    @Test
    void aWhatsAppNumberThrottledAgainstItsBusinessAccountWaitsTooWith32() {
        // the contact writes first: the 24 h window opens
        String waId = "52155" + tenant.substring(4);
        byte[] in = ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"" + waba + "\",\"changes\":[{\"value\":{"
                + "\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550783881\","
                + "\"phone_number_id\":\"" + phone + "\"},\"contacts\":[{\"profile\":{\"name\":\"Ana\"},\"wa_id\":\"" + waId
                + "\"}],\"messages\":[{\"from\":\"" + waId + "\",\"id\":\"wamid.in" + UUID.randomUUID() + "\",\"timestamp\":\""
                + Instant.now().getEpochSecond() + "\",\"type\":\"text\",\"text\":{\"body\":\"Hola\"}}]},\"field\":\"messages\"}]}]}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(http.base() + "/webhooks/meta"))
                .header("X-Hub-Signature-256", MetaFixtures.sign(in)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(in))).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> store.get(ConversationSink.conversationPath(tenant, "whatsapp",
                waId)).map(d -> d.field("lastInboundAt")).isPresent());

        // Meta counts the number's calls against its WABA: the header names the WABA, not the number
        GRAPH.stubFor(post(urlEqualTo("/v25.0/" + phone + "/messages")).inScenario("buc-" + phone)
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(throttled(32, buc(waba, "whatsapp_business_management", 100, 1))).willSetStateTo("regained"));
        GRAPH.stubFor(post(urlEqualTo("/v25.0/" + phone + "/messages")).inScenario("buc-" + phone)
                .whenScenarioStateIs("regained")
                .willReturn(ok("send.whatsapp.json", buc(waba, "whatsapp_business_management", 20, 0))));
        Http.Response r = api("/api/v1/whatsapp/messages", "{\"to\":\"+" + waId
                + "\",\"type\":\"text\",\"text\":{\"body\":\"Le llamamos en 5 minutos\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        awaitHeldThenSent("whatsapp", phone, r.json().path("id").asText());
    }
}
