package dev.pasarela.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.pasarela.support.GatewayProcess;
import dev.pasarela.support.Http;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar killed with SIGKILL in the middle of publishing an Instagram carousel, while
 * Meta is answering {@code media_publish} (it did publish): after the restart the queued job
 * resumes from its stored containers, finds the carousel published, and never posts a second time.
 */
@Tag("e2e")
class PublishingRestartE2ETest {

    static final String TENANT = "e2e-publica";
    static final String IG = "17841400000000042";
    static final String V = "/v25.0";
    static final String CAPTION = "Tres fotos del SUV del mes #ocasion";
    static final String MEDIA_ID = "18000000000000042";

    final Path dir = Path.of("target", "e2e", "publishing-" + System.currentTimeMillis()).toAbsolutePath();
    final WireMockServer graph = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    final GatewayProcess gateway = new GatewayProcess(dir, "gateway");

    @BeforeEach
    void graph() throws Exception {
        Files.createDirectories(dir);
        graph.start();
        graph.stubFor(post(urlPathEqualTo(V + "/" + IG + "/media")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withTransformers("response-template")
                .withBody("{\"id\":\"179{{randomValue length=14 type='NUMERIC'}}\"}")));
        graph.stubFor(get(urlPathEqualTo(V + "/" + IG + "/content_publishing_limit")).willReturn(okJson(
                "{\"data\":[{\"quota_usage\":1,\"config\":{\"quota_total\":100,\"quota_duration\":86400}}]}")));
        // before media_publish every container is ready; Meta publishes while its answer is held
        graph.stubFor(get(urlPathMatching(V + "/179[0-9]+")).inScenario("carousel")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(okJson("{\"status_code\":\"FINISHED\"}")));
        graph.stubFor(post(urlPathEqualTo(V + "/" + IG + "/media_publish")).inScenario("carousel")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("published")
                .willReturn(okJson("{\"id\":\"" + MEDIA_ID + "\"}").withFixedDelay(30_000)));
        graph.stubFor(get(urlPathMatching(V + "/179[0-9]+")).inScenario("carousel")
                .whenScenarioStateIs("published").willReturn(okJson("{\"status_code\":\"PUBLISHED\"}")));
        String now = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssZ"));
        graph.stubFor(get(urlPathEqualTo(V + "/" + IG + "/media")).willReturn(okJson("{\"data\":[{\"id\":\"" + MEDIA_ID
                + "\",\"caption\":\"" + CAPTION + "\",\"timestamp\":\"" + now + "\"}]}")));
        graph.stubFor(get(urlPathEqualTo(V + "/" + MEDIA_ID)).willReturn(okJson(
                "{\"permalink\":\"https://www.instagram.com/p/DAbc123/\",\"id\":\"" + MEDIA_ID + "\"}")));
    }

    @AfterEach
    void stop() {
        gateway.stop();
        graph.stop();
    }

    @Test
    void aCarouselInterruptedByAKillResumesWithoutASecondPost() throws Exception {
        Path tenants = dir.resolve("tenants.yml");
        Files.writeString(tenants, "tenants:\n  - id: " + TENANT + "\n    name: Publica\n    plan: enterprise\n"
                + "    identities:\n      instagram: \"" + IG + "\"\n");
        Map<String, String> env = new HashMap<>(Map.of("META_GRAPH_BASE_URL", graph.baseUrl(),
                "PASARELA_TENANTS_FILE", tenants.toString(),
                "PASARELA_PUBLIC_BASE_URL", "https://pasarela.example.test",
                "STRIPE_WEBHOOK_SECRET", dev.pasarela.support.StripeFixtures.SECRET));
        gateway.start(env);
        Http http = gateway.http();
        assertThat(gateway.ops("PUT", "/ops/tenants/" + TENANT + "/credentials/instagram",
                "{\"accessToken\":\"EAAP-e2e-page-token\"}").status()).isIn(200, 201, 204);
        String key = gateway.ops("POST", "/ops/tenants/" + TENANT + "/api-keys", "{\"name\":\"e2e\"}").json()
                .path("key").asText();
        for (String name : new String[] {"a", "b", "c"}) {
            assertThat(upload(http, key, name).status()).isEqualTo(201);
        }
        Http.Response accepted = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/instagram/posts"))
                .header("X-Api-Key", key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"caption\":\"" + CAPTION + "\",\"photos\":["
                        + "\"vehicles/suv/a.jpg\",\"vehicles/suv/b.jpg\",\"vehicles/suv/c.jpg\"]}")));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String location = accepted.raw().headers().firstValue("Location").orElseThrow();

        // Meta has the media_publish call (and published); the gateway dies before it hears back
        await().atMost(Duration.ofSeconds(60)).until(() -> "published".equals(
                graph.getAllScenarios().getScenarios().get(0).getState()));
        gateway.kill();
        assertThat(read(http, key, location).status()).as("down").isEqualTo(-1);

        gateway.start(env);
        JsonNode post = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> read(gateway.http(), key, location).json(), p -> "published".equals(p.path("status").asText()));
        assertThat(post.path("graphId").asText()).isEqualTo(MEDIA_ID);
        assertThat(post.path("permalink").asText()).isEqualTo("https://www.instagram.com/p/DAbc123/");
        graph.verify(1, postRequestedFor(urlPathEqualTo(V + "/" + IG + "/media_publish")));
        graph.verify(4, postRequestedFor(urlPathEqualTo(V + "/" + IG + "/media"))); // 3 items + the carousel, once
        assertThat(Files.readString(gateway.log())).doesNotContain("EAAP-e2e-page-token").doesNotContain(CAPTION);
    }

    static Http.Response read(Http http, String key, String location) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(http.base() + location)).header("X-Api-Key", key).GET());
        } catch (RuntimeException down) {
            return new Http.Response(-1, null, "", null);
        }
    }

    static Http.Response upload(Http http, String key, String name) throws Exception {
        BufferedImage img = new BufferedImage(1080, 1080, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", jpeg);
        String boundary = "----e2e" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                + ".jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(jpeg.toByteArray());
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/files/vehicles/suv?name=" + name))
                .header("X-Api-Key", key).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }
}
