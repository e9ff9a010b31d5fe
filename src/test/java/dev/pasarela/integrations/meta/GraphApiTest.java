package dev.pasarela.integrations.meta;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
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
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.RestClient;

/** The Graph client on its own, against a stand-in: timeouts, Meta's error bodies, Retry-After. */
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
        return new GraphApi(RestClient.builder(), new MetaProperties(GRAPH.baseUrl() + "/", "v25.0", timeout,
                Duration.ofSeconds(2)), new ObjectMapper(), Clock.fixed(NOW, ZoneOffset.UTC));
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
        long started = System.nanoTime();
        assertThatThrownBy(() -> graph(Duration.ofMillis(300)).get("/slow", Map.of(), "EAAG-t"))
                .isInstanceOf(TransientException.class).hasMessage("Graph API unreachable: HttpTimeoutException");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2500));
    }

    @Test
    void aProxyPageInsteadOfMetasBodyIsStillClassifiedByStatus() {
        GRAPH.stubFor(post(urlEqualTo("/v25.0/1/messages")).willReturn(aResponse().withStatus(502)
                .withHeader("Content-Type", "text/html").withBody("<html>Bad gateway</html>")));
        assertThatThrownBy(() -> graph(Duration.ofSeconds(5)).post("/1/messages", Map.of("to", "1"), "EAAG-t"))
                .isInstanceOfSatisfying(GraphException.class,
                        e -> assertThat(e.kind()).isEqualTo(GraphException.Kind.TRANSIENT));
    }
}
