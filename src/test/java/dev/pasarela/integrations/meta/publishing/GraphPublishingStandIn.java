package dev.pasarela.integrations.meta.publishing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A Graph API stand-in for publishing, answering with the bodies Meta documents for the Pages API
 * ({@code /photos}, {@code /feed}, {@code DELETE /{post}}) and Instagram content publishing
 * ({@code /media}, container status, {@code /media_publish}, {@code content_publishing_limit}), and
 * with Meta's error bodies (fixtures under {@code meta/graph/publishing/}).
 */
final class GraphPublishingStandIn {

    static final String V = "/v25.0";
    final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    GraphPublishingStandIn() {
        server.start();
    }

    String baseUrl() {
        return server.baseUrl();
    }

    void reset() {
        server.resetAll();
    }

    /** Every upload a new photo id; every feed post {@code {page}_{n}}; permalinks and deletes. */
    void page(String page) {
        server.stubFor(post(urlPathEqualTo(V + "/" + page + "/photos")).willReturn(templated(
                "{\"id\":\"55{{randomValue length=12 type='NUMERIC'}}\"}")));
        server.stubFor(post(urlPathEqualTo(V + "/" + page + "/feed")).willReturn(templated(
                "{\"id\":\"" + page + "_77{{randomValue length=12 type='NUMERIC'}}\"}")));
        server.stubFor(get(urlPathMatching(V + "/" + page + "_[0-9]+")).willReturn(templated(
                "{\"permalink_url\":\"https://www.facebook.com/{{request.pathSegments.[1]}}\",\"id\":\"{{request.pathSegments.[1]}}\"}")));
        server.stubFor(delete(urlPathMatching(V + "/" + page + "_[0-9]+")).willReturn(okJson("{\"success\":true}")));
    }

    /** Containers made at once and FINISHED; media_publish gives a media id; the limit has room. */
    void instagram(String ig) {
        server.stubFor(post(urlPathEqualTo(V + "/" + ig + "/media")).willReturn(templated(
                "{\"id\":\"179{{randomValue length=14 type='NUMERIC'}}\"}")));
        server.stubFor(get(urlPathMatching(V + "/179[0-9]+")).atPriority(5).willReturn(templated(
                "{\"status_code\":\"FINISHED\",\"id\":\"{{request.pathSegments.[1]}}\"}")));
        server.stubFor(post(urlPathEqualTo(V + "/" + ig + "/media_publish")).willReturn(templated(
                "{\"id\":\"180{{randomValue length=14 type='NUMERIC'}}\"}")));
        server.stubFor(get(urlPathMatching(V + "/180[0-9]+")).willReturn(templated(
                "{\"permalink\":\"https://www.instagram.com/p/{{request.pathSegments.[1]}}/\",\"id\":\"{{request.pathSegments.[1]}}\"}")));
        limit(ig, 2, 100);
    }

    void limit(String ig, int used, int total) {
        server.stubFor(get(urlPathEqualTo(V + "/" + ig + "/content_publishing_limit")).willReturn(okJson(
                "{\"data\":[{\"quota_usage\":" + used + ",\"config\":{\"quota_total\":" + total
                        + ",\"quota_duration\":86400}}]}")));
    }

    /** Every container reports IN_PROGRESS for {@code polls} status reads, then FINISHED. */
    void containersTakePolls(int polls) {
        String state = Scenario.STARTED;
        for (int i = 1; i <= polls; i++) {
            String next = "poll-" + i;
            server.stubFor(get(urlPathMatching(V + "/179[0-9]+")).atPriority(1).inScenario("processing")
                    .whenScenarioStateIs(state).willSetStateTo(next)
                    .willReturn(okJson("{\"status_code\":\"IN_PROGRESS\",\"status\":\"In Progress\"}")));
            state = next;
        }
        server.stubFor(get(urlPathMatching(V + "/179[0-9]+")).atPriority(1).inScenario("processing")
                .whenScenarioStateIs(state).willReturn(templated(
                        "{\"status_code\":\"FINISHED\",\"id\":\"{{request.pathSegments.[1]}}\"}")));
    }

    static ResponseDefinitionBuilder templated(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body)
                .withTransformers("response-template");
    }

    /** Meta's documented error body for {@code code}, with its HTTP status. */
    static ResponseDefinitionBuilder error(int status, String fixture) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody(fixture(fixture));
    }

    static String fixture(String name) {
        try (var in = GraphPublishingStandIn.class.getResourceAsStream("/meta/graph/publishing/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new UncheckedIOException(new IOException("missing fixture " + name));
        }
    }
}
