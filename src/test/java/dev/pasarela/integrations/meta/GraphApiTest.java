package dev.pasarela.integrations.meta;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.pasarela.pipeline.errors.TransientException;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.RestClient;

/**
 * The Graph client on its own, against a stand-in: timeouts, Meta's error bodies, Retry-After, and
 * its rate-limit headers shaping the next call.
 */
class GraphApiTest {

    static final WireMockServer GRAPH = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");

    static {
        GRAPH.start();
    }

    @AfterAll
    static void stop() {
        GRAPH.stop();
    }

    @BeforeEach
    void reset() {
        GRAPH.resetAll();
    }

    static GraphApi graph(Duration timeout) {
        // a connect timeout longer than the stand-in's delays: a read cut by the connect timeout fails the slow case
        return new GraphApi(RestClient.builder(), new MetaProperties(GRAPH.baseUrl() + "/", "v25.0", timeout,
                Duration.ofSeconds(30)), new ObjectMapper(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void sendsTheTokenAndEncodedQueryAndReadsTheAnswer() {
        GRAPH.stubFor(get(urlPathEqualTo("/v25.0/123/message_templates")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"data\":[{\"name\":\"cita\"}]}")));
        var answer = graph(Duration.ofSeconds(5)).get("/123/message_templates", Map.of("fields", "name,status"), "EAAG-t");
        assertThat(answer.path("data").get(0).path("name").asText()).isEqualTo("cita");
        GRAPH.verify(getRequestedFor(urlEqualTo("/v25.0/123/message_templates?fields=name%2Cstatus"))
                .withHeader("Authorization", equalTo("Bearer EAAG-t")));
    }

    @Test
    void aMetaErrorBodyIsAGraphExceptionWithItsCode() {
        GRAPH.stubFor(post(urlEqualTo("/v25.0/1/messages")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":{\"message\":\"(#131026) "
                        + "Message undeliverable\",\"type\":\"OAuthException\",\"code\":131026,\"fbtrace_id\":\"Az1\"}}")));
        assertThatThrownBy(() -> graph(Duration.ofSeconds(5)).post("/1/messages", Map.of("to", "1"), "EAAG-t"))
                .isInstanceOfSatisfying(GraphException.class, e -> {
                    assertThat(e.code()).isEqualTo(131026);
                    assertThat(e.kind()).isEqualTo(GraphException.Kind.RECIPIENT);
                });
    }

    @Test
    void aRateLimitCarriesItsRetryAfterIntoTheTransientFailure() {
        GRAPH.stubFor(post(urlEqualTo("/v25.0/1/messages")).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "7").withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"(#130429) Rate limit hit\",\"code\":130429}}")));
        assertThatThrownBy(() -> graph(Duration.ofSeconds(5)).post("/1/messages", Map.of("to", "1"), "EAAG-t"))
                .isInstanceOfSatisfying(GraphException.class, e -> {
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
                    assertThat(e.asDeliveryFailure()).isInstanceOfSatisfying(TransientException.class,
                            t -> assertThat(t.retryAfter()).contains(Duration.ofSeconds(7)));
                });
    }

    @Test
    void aSlowGraphIsTransientOnceTheReadTimeoutPasses() {
        GRAPH.stubFor(get(urlPathEqualTo("/v25.0/slow")).willReturn(aResponse().withStatus(200)
                .withFixedDelay(3000).withBody("{}")));
        // Graph answers 200 after 3 s: a read timeout is the call cut before that answer, by ours
        assertThatThrownBy(() -> graph(Duration.ofMillis(300)).get("/slow", Map.of(), "EAAG-t"))
                .isInstanceOf(TransientException.class).hasMessage("Graph API unreachable: SocketTimeoutException");
    }

    @Test
    void aProxyPageInsteadOfMetasBodyIsStillClassifiedByStatus() {
        GRAPH.stubFor(post(urlEqualTo("/v25.0/1/messages")).willReturn(aResponse().withStatus(502)
                .withHeader("Content-Type", "text/html").withBody("<html>Bad gateway</html>")));
        assertThatThrownBy(() -> graph(Duration.ofSeconds(5)).post("/1/messages", Map.of("to", "1"), "EAAG-t"))
                .isInstanceOfSatisfying(GraphException.class,
                        e -> assertThat(e.kind()).isEqualTo(GraphException.Kind.TRANSIENT));
    }

    final GraphUsageTest.MovingClock clock = new GraphUsageTest.MovingClock();
    final List<Duration> pauses = new ArrayList<>();

    /** A client on a clock the test moves, recording its pauses instead of taking them. */
    GraphApi shapedGraph() {
        MetaProperties meta = new MetaProperties(GRAPH.baseUrl(), "v25.0", Duration.ofSeconds(5), Duration.ofSeconds(2));
        ObjectMapper json = new ObjectMapper();
        return new GraphApi(RestClient.builder(), meta, json, clock,
                new GraphUsage(meta, new SimpleMeterRegistry(), json, clock), pauses::add);
    }

    static String buc(String id, String type, int percent, int regainMinutes) {
        return "{\"" + id + "\":[{\"type\":\"" + type + "\",\"call_count\":" + percent + ",\"total_cputime\":10,"
                + "\"total_time\":10,\"estimated_time_to_regain_access\":" + regainMinutes + "}]}";
    }

    @Test
    void aThrottledAnswerWithoutRetryAfterWaitsForTheBusinessUseCasesRegainTime() {
        GRAPH.stubFor(post(urlEqualTo("/v25.0/77/messages")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withHeader("X-Business-Use-Case-Usage", buc("77", "pages", 100, 4))
                .withBody("{\"error\":{\"message\":\"(#80001) There have been too many calls to this Page account.\","
                        + "\"type\":\"OAuthException\",\"code\":80001,\"fbtrace_id\":\"Bx1\"}}")));
        assertThatThrownBy(() -> shapedGraph().post("/77/messages", Map.of("to", "1"), "EAAG-t"))
                .isInstanceOfSatisfying(GraphException.class, e -> {
                    assertThat(e.kind()).isEqualTo(GraphException.Kind.TRANSIENT);
                    assertThat(e.retryAfter()).contains(Duration.ofMinutes(4));
                    assertThat(e.asDeliveryFailure()).isInstanceOfSatisfying(TransientException.class,
                            t -> assertThat(t.retryAfter()).contains(Duration.ofMinutes(4)));
                });
    }

    @Test
    void metasRetryAfterWinsOverTheRegainTimeAndAnotherErrorCarriesNoWait() {
        GRAPH.stubFor(post(urlEqualTo("/v25.0/78/media")).willReturn(aResponse().withStatus(400).withHeader("Retry-After", "9")
                .withHeader("Content-Type", "application/json").withHeader("X-Business-Use-Case-Usage", buc("78", "instagram", 100, 4))
                .withBody("{\"error\":{\"message\":\"(#80002) Too many calls\",\"code\":80002}}")));
        assertThatThrownBy(() -> shapedGraph().post("/78/media", Map.of(), "EAAG-t")).isInstanceOfSatisfying(
                GraphException.class, e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(9)));
        GRAPH.stubFor(post(urlEqualTo("/v25.0/79/media")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withHeader("X-Business-Use-Case-Usage", buc("79", "instagram", 50, 4))
                .withBody("{\"error\":{\"message\":\"(#100) Invalid parameter\",\"code\":100}}")));
        assertThatThrownBy(() -> shapedGraph().post("/79/media", Map.of(), "EAAG-t")).isInstanceOfSatisfying(
                GraphException.class, e -> {
                    assertThat(e.kind()).isEqualTo(GraphException.Kind.OPERATOR);
                    assertThat(e.retryAfter()).isEmpty();
                });
    }

    @Test
    void whileMetaSaidToWaitNoRequestIsMadeForThatObjectThenCallsResume() {
        GraphApi graph = shapedGraph();
        GRAPH.stubFor(get(urlPathEqualTo("/v25.0/55/feed")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withHeader("X-Business-Use-Case-Usage", buc("55", "pages", 40, 2)).withBody("{\"data\":[]}")));
        graph.get("/55/feed", Map.of(), "EAAG-t"); // Meta answers, and says: back in 2 minutes
        clock.now = clock.now.plusSeconds(30);
        assertThatThrownBy(() -> graph.get("/55/feed", Map.of(), "EAAG-t"))
                .isInstanceOfSatisfying(GraphException.class, e -> {
                    assertThat(e.kind()).isEqualTo(GraphException.Kind.TRANSIENT);
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(90));
                });
        assertThatThrownBy(() -> graph.post("/55/photos", Map.of(), "EAAG-t")).isInstanceOf(GraphException.class);
        GRAPH.verify(1, getRequestedFor(urlPathEqualTo("/v25.0/55/feed")));
        GRAPH.verify(0, postRequestedFor(urlPathEqualTo("/v25.0/55/photos")));

        clock.now = clock.now.plusSeconds(91);
        GRAPH.stubFor(get(urlPathEqualTo("/v25.0/55/feed")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"data\":[]}")));
        graph.get("/55/feed", Map.of(), "EAAG-t");
        GRAPH.verify(2, getRequestedFor(urlPathEqualTo("/v25.0/55/feed")));
        assertThat(pauses).isEmpty(); // 40 %: no slowdown
    }

    @Test
    void aBusyObjectOrAppIsCalledAfterAPauseGrowingWithItsUsage() {
        GraphApi graph = shapedGraph();
        GRAPH.stubFor(get(urlPathEqualTo("/v25.0/66/feed")).inScenario("busy").whenScenarioStateIs(
                com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED).willReturn(aResponse().withStatus(200)
                .withHeader("X-Business-Use-Case-Usage", buc("66", "pages", 90, 0)).withBody("{}")).willSetStateTo("busier"));
        GRAPH.stubFor(get(urlPathEqualTo("/v25.0/66/feed")).inScenario("busy").whenScenarioStateIs("busier")
                .willReturn(aResponse().withStatus(200).withHeader("X-App-Usage",
                        "{\"call_count\":100,\"total_cputime\":20,\"total_time\":20}").withBody("{}")));
        GRAPH.stubFor(get(urlPathEqualTo("/v25.0/67/feed")).willReturn(aResponse().withStatus(200).withBody("{}")));
        graph.get("/66/feed", Map.of(), "EAAG-t");
        assertThat(pauses).isEmpty();
        graph.get("/66/feed", Map.of(), "EAAG-t"); // the page at 90 %: half of the 2 s
        graph.get("/67/feed", Map.of(), "EAAG-t"); // the app at 100 %: every object waits the most
        assertThat(pauses).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        GRAPH.verify(2, getRequestedFor(urlPathEqualTo("/v25.0/66/feed")));
        GRAPH.verify(1, getRequestedFor(urlPathEqualTo("/v25.0/67/feed")));
    }
}
