package dev.pasarela.integrations.meta.publishing;

import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.pasarela.integrations.meta.publishing.GraphPublishingStandIn.V;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.pasarela.integrations.storage.FileKind;
import dev.pasarela.integrations.storage.TenantFiles;
import dev.pasarela.security.ApiKeys;
import dev.pasarela.security.CredentialVault;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Facebook Page and Instagram posts through a Graph stand-in: the documented call sequence, the
 * waits (containers still processing, a throttled page) as durable re-queues, failures that end a
 * post with its cause on the dead-letter queue, a lost answer that does not post twice, and every
 * check that refuses a post before Meta is called.
 */
@GatewayTest
class PublishingFlowTest {

    static final GraphPublishingStandIn GRAPH = new GraphPublishingStandIn();
    static final String PUBLIC_BASE = "https://pasarela.example.test";
    static final ObjectMapper JSON = new ObjectMapper();
    /** The smallest valid WebP (lossless, 1×1), as browsers' feature tests use it. */
    static final byte[] WEBP = Base64.getDecoder().decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==");

    @DynamicPropertySource
    static void graph(DynamicPropertyRegistry registry) {
        registry.add("pasarela.meta.graph-base-url", GRAPH::baseUrl);
        registry.add("pasarela.storage.public-base-url", () -> PUBLIC_BASE);
        registry.add("pasarela.publishing.poll-initial", () -> "PT0.1S");
        registry.add("pasarela.publishing.retry-initial", () -> "PT0.1S");
        registry.add("pasarela.publishing.max-attempts", () -> "4");
    }

    @AfterAll
    static void stop() {
        GRAPH.server.stop();
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
    TenantFiles files;
    @Autowired
    Publications publications;

    Http http;
    String tenant;
    String page;
    String ig;
    String key;

    @BeforeEach
    void tenant() {
        http = new Http(port);
        String s = UUID.randomUUID().toString().replaceAll("[^0-9]", "").concat("0000000").substring(0, 7);
        tenant = "pub-" + s;
        page = "1133" + s;
        ig = "1784" + s;
        tenants.upsert(tenant, new TenantProfile("Autos Publica", "enterprise", "Europe/Madrid",
                Map.of("facebook", page, "instagram", ig)));
        vault.put(tenant, "messenger", Map.of("accessToken", "EAAP-page-" + s));
        vault.put(tenant, "instagram", Map.of("accessToken", "EAAP-page-" + s));
        key = apiKeys.create(tenant, "crm").key();
        GRAPH.reset();
        GRAPH.page(page);
        GRAPH.instagram(ig);
    }

    @Test
    void aPagePostUploadsEachPhotoUnpublishedThenAttachesThemToOneFeedPost() throws Exception {
        List<String> photos = List.of(photo("v1", "front", jpeg(800, 600)), photo("v1", "side", png(800, 600)),
                photo("v1", "back", WEBP));
        Http.Response accepted = call("POST", "/api/v1/facebook/posts", Map.of("message", "Seat León 2021, 45.000 km",
                "link", "https://autos.example/v1", "photos", photos));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String location = accepted.raw().headers().firstValue("Location").orElseThrow();
        assertThat(accepted.json().path("status").asText()).isEqualTo("queued");

        JsonNode post = awaitStatus(location, "published");
        List<LoggedRequest> uploads = GRAPH.server.findAll(postRequestedFor(urlPathEqualTo(V + "/" + page + "/photos")));
        assertThat(uploads).hasSize(3);
        for (LoggedRequest upload : uploads) {
            JsonNode body = JSON.readTree(upload.getBodyAsString());
            assertThat(body.path("published").asBoolean(true)).isFalse();
            assertThat(body.path("url").asText()).startsWith(PUBLIC_BASE + "/files/download/");
            assertThat(upload.getHeader("Authorization")).isEqualTo("Bearer EAAP-page-" + tenant.substring(4));
        }
        LoggedRequest feed = GRAPH.server.findAll(postRequestedFor(urlPathEqualTo(V + "/" + page + "/feed"))).get(0);
        JsonNode body = JSON.readTree(feed.getBodyAsString());
        assertThat(body.path("attached_media")).hasSize(3);
        assertThat(body.path("attached_media").get(0).path("media_fbid").asText()).startsWith("55");
        assertThat(body.path("message").asText()).isEqualTo("Seat León 2021, 45.000 km\n\nhttps://autos.example/v1");
        assertThat(body.has("link")).as("Meta ignores link with attached photos").isFalse();
        assertThat(body.has("scheduled_publish_time")).isFalse();
        assertThat(post.path("graphId").asText()).startsWith(page + "_77");
        assertThat(post.path("permalink").asText()).startsWith("https://www.facebook.com/");
        assertThat(post.path("publishedAt").isTextual()).isTrue();
        // the WebP was handed over as its JPEG rendition, kept beside it, and goes with it
        var folder = dev.pasarela.integrations.storage.FilePrefix.parse("vehicles/v1");
        assertThat(files.list(tenant, folder)).extracting(f -> f.path().name())
                .anyMatch(n -> n.matches("back\\.webp\\.r[0-9a-f]{12}\\.jpg"));
        files.delete(new dev.pasarela.integrations.storage.FilePath(tenant, FileKind.VEHICLES, "v1", "back.webp"));
        assertThat(files.list(tenant, folder)).extracting(f -> f.path().name())
                .containsExactlyInAnyOrder("front.jpg", "side.png");

        // deleting a published post deletes it on Facebook
        Http.Response deleted = call("DELETE", location, null);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().path("status").asText()).isEqualTo("deleted");
        GRAPH.server.verify(1, deleteRequestedFor(urlPathEqualTo(V + "/" + post.path("graphId").asText())));
    }

    @Test
    void aScheduledPostIsHeldByFacebookAndItsScheduleIsChecked() throws Exception {
        Instant at = Instant.now().plus(Duration.ofHours(3));
        Http.Response accepted = call("POST", "/api/v1/facebook/posts", Map.of("message", "Jornada de puertas abiertas",
                "photos", List.of(photo("v2", "a", jpeg(400, 300))), "scheduledAt", at.toString()));
        assertThat(accepted.status()).isEqualTo(202);
        awaitStatus(accepted.raw().headers().firstValue("Location").orElseThrow(), "scheduled");
        JsonNode upload = JSON.readTree(GRAPH.server.findAll(postRequestedFor(urlPathEqualTo(V + "/" + page + "/photos")))
                .get(0).getBodyAsString());
        assertThat(upload.path("temporary").asBoolean()).isTrue();
        GRAPH.server.verify(postRequestedFor(urlPathEqualTo(V + "/" + page + "/feed"))
                .withRequestBody(matchingJsonPath("$.published", equalTo("false")))
                .withRequestBody(matchingJsonPath("$.scheduled_publish_time", equalTo(String.valueOf(at.getEpochSecond())))));

        for (Duration ahead : List.of(Duration.ofMinutes(5), Duration.ofDays(31), Duration.ofMinutes(-1))) {
            Http.Response refused = call("POST", "/api/v1/facebook/posts", Map.of("message", "x",
                    "scheduledAt", Instant.now().plus(ahead).toString()));
            assertThat(refused.status()).isEqualTo(422);
            assertThat(refused.json().path("type").asText()).endsWith("invalid-schedule");
        }
        GRAPH.server.verify(1, postRequestedFor(urlPathEqualTo(V + "/" + page + "/feed")));
    }

    @Test
    void aFeedPostWhoseAnswerWasLostIsFoundInsteadOfPostedAgain() throws Exception {
        GRAPH.server.stubFor(post(urlPathEqualTo(V + "/" + page + "/photos")).willReturn(okJson("{\"id\":\"5550001\"}")));
        // Meta made the post but the answer was an error: the retry must find it, not post again
        GRAPH.server.stubFor(post(urlPathEqualTo(V + "/" + page + "/feed")).inScenario("lost")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("made")
                .willReturn(GraphPublishingStandIn.error(500, "error.2.json")));
        GRAPH.server.stubFor(get(urlPathEqualTo(V + "/" + page + "/feed")).inScenario("lost")
                .whenScenarioStateIs("made").willReturn(okJson("{\"data\":[{\"id\":\"" + page + "_7700042\","
                        + "\"message\":\"Oferta\",\"created_time\":\"2026-12-02T10:00:00+0000\",\"attachments\":{\"data\":"
                        + "[{\"subattachments\":{\"data\":[{\"target\":{\"id\":\"5550001\"}}]}}]}}]}")));
        Http.Response accepted = call("POST", "/api/v1/facebook/posts",
                Map.of("message", "Oferta", "photos", List.of(photo("v3", "a", jpeg(400, 300)))));
        JsonNode post = awaitStatus(accepted.raw().headers().firstValue("Location").orElseThrow(), "published");
        assertThat(post.path("graphId").asText()).isEqualTo(page + "_7700042");
        GRAPH.server.verify(1, postRequestedFor(urlPathEqualTo(V + "/" + page + "/feed")));
        GRAPH.server.verify(1, getRequestedFor(urlPathEqualTo(V + "/" + page + "/feed")));
    }

    @Test
    void aThrottledPageIsRetriedAfterTheAdvertisedWait() throws Exception {
        GRAPH.server.stubFor(post(urlPathEqualTo(V + "/" + page + "/photos")).atPriority(1).inScenario("throttled")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("open")
                .willReturn(GraphPublishingStandIn.error(400, "error.32.json").withHeader("Retry-After", "1")));
        Http.Response accepted = call("POST", "/api/v1/facebook/posts",
                Map.of("message", "Nuevo", "photos", List.of(photo("v4", "a", jpeg(400, 300)))));
        JsonNode post = awaitStatus(accepted.raw().headers().firstValue("Location").orElseThrow(), "published");
        assertThat(post.path("graphId").asText()).startsWith(page + "_");
        List<LoggedRequest> uploads = GRAPH.server.findAll(postRequestedFor(urlPathEqualTo(V + "/" + page + "/photos")));
        assertThat(uploads).hasSize(2);
        assertThat(uploads.get(1).getLoggedDate().getTime() - uploads.get(0).getLoggedDate().getTime())
                .as("the second try waited for Meta's Retry-After (1 s), not the 0.1 s back-off").isGreaterThanOrEqualTo(900);
        GRAPH.server.verify(1, postRequestedFor(urlPathEqualTo(V + "/" + page + "/feed")));
    }

    @Test
    void anInstagramCarouselWaitsForItsContainersThenPublishesOnce() throws Exception {
        GRAPH.containersTakePolls(2);
        List<String> photos = List.of(photo("v5", "a", jpeg(1080, 1080)), photo("v5", "b", png(1080, 1350)),
                photo("v5", "c", jpeg(1080, 566)));
        Http.Response accepted = call("POST", "/api/v1/instagram/posts",
                Map.of("caption", "Tres ángulos del nuevo SUV #coches #ocasion", "photos", photos));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        JsonNode post = awaitStatus(accepted.raw().headers().firstValue("Location").orElseThrow(), "published");

        List<LoggedRequest> containers = GRAPH.server.findAll(postRequestedFor(urlPathEqualTo(V + "/" + ig + "/media")));
        assertThat(containers).hasSize(4);
        List<String> childUrls = new ArrayList<>();
        for (LoggedRequest c : containers.subList(0, 3)) {
            JsonNode b = JSON.readTree(c.getBodyAsString());
            assertThat(b.path("is_carousel_item").asBoolean()).isTrue();
            assertThat(b.has("caption")).isFalse();
            childUrls.add(b.path("image_url").asText());
        }
        JsonNode parent = JSON.readTree(containers.get(3).getBodyAsString());
        assertThat(parent.path("media_type").asText()).isEqualTo("CAROUSEL");
        assertThat(parent.path("children").asText().split(",")).hasSize(3);
        assertThat(parent.path("caption").asText()).isEqualTo("Tres ángulos del nuevo SUV #coches #ocasion");
        List<LoggedRequest> published = GRAPH.server.findAll(postRequestedFor(urlPathEqualTo(V + "/" + ig + "/media_publish")));
        assertThat(published).hasSize(1);
        String parentId = JSON.readTree(published.get(0).getBodyAsString()).path("creation_id").asText();
        assertThat(parentId).startsWith("179");
        assertThat(parent.path("children").asText()).doesNotContain(parentId);
        assertThat(post.path("graphId").asText()).startsWith("180");
        assertThat(post.path("permalink").asText()).startsWith("https://www.instagram.com/p/");
        // every image Meta fetches is a JPEG, the PNG too (served by the gateway's signed link)
        for (String url : childUrls) {
            var download = http.send(HttpRequest.newBuilder(URI.create(url.replace(PUBLIC_BASE, http.base()))).GET());
            assertThat(download.status()).isEqualTo(200);
            assertThat(download.contentType()).isEqualTo("image/jpeg");
        }
        // two reads answered IN_PROGRESS: the items were read again in a later run (3 + 3), then the carousel (1)
        assertThat(GRAPH.server.findAll(getRequestedFor(urlPathMatching(V + "/179[0-9]+")))).hasSize(7);
        assertThat(GRAPH.server.findAll(getRequestedFor(urlPathMatching(V + "/179[0-9]+")))
                .stream().map(LoggedRequest::getUrl).distinct().count()).isEqualTo(4);
        // the limit was read before accepting, before making containers and before publishing
        GRAPH.server.verify(3, getRequestedFor(urlPathEqualTo(V + "/" + ig + "/content_publishing_limit")));
    }

    @Test
    void anExpiredContainerFailsThePostWithItsCauseOnTheDeadLetterQueue() throws Exception {
        GRAPH.server.stubFor(get(urlPathMatching(V + "/179[0-9]+")).atPriority(1)
                .willReturn(okJson(GraphPublishingStandIn.fixture("container.expired.json"))));
        Http.Response accepted = call("POST", "/api/v1/instagram/posts",
                Map.of("caption", "Hoy", "photos", List.of(photo("v6", "a", jpeg(1080, 1080)))));
        String location = accepted.raw().headers().firstValue("Location").orElseThrow();
        JsonNode post = awaitStatus(location, "failed");
        assertThat(post.path("error").path("code").asText()).isEqualTo("container-expired");
        assertThat(post.path("error").path("detail").asText()).contains("24 hours");
        GRAPH.server.verify(0, postRequestedFor(urlPathEqualTo(V + "/" + ig + "/media_publish")));
        String id = post.path("id").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (JsonNode m : http.ops("GET", "/ops/dlq/dlq.instagram.job.publish", null).json()) {
                if (m.path("eventKey").asText().equals(id)) {
                    return m.path("cause").asText().contains("container-expired");
                }
            }
            return false;
        });
    }

    @Test
    void aRevokedTokenFailsThePostAndRefusesTheNextOneUntilReconnected() throws Exception {
        GRAPH.server.stubFor(post(urlPathEqualTo(V + "/" + ig + "/media")).atPriority(1)
                .willReturn(GraphPublishingStandIn.error(401, "error.190.json")));
        Http.Response accepted = call("POST", "/api/v1/instagram/posts",
                Map.of("caption", "Hoy", "photos", List.of(photo("v7", "a", jpeg(1080, 1080)))));
        JsonNode post = awaitStatus(accepted.raw().headers().firstValue("Location").orElseThrow(), "failed");
        assertThat(post.path("error").path("code").asText()).isEqualTo("needs-reauth");
        GRAPH.server.verify(1, postRequestedFor(urlPathEqualTo(V + "/" + ig + "/media")));
        Http.Response next = call("POST", "/api/v1/instagram/posts",
                Map.of("caption", "Otra", "photos", List.of("vehicles/v7/a.jpg")));
        assertThat(next.status()).isEqualTo(409);
        assertThat(next.json().path("type").asText()).endsWith("needs-reauth");
        assertThat(next.body()).doesNotContain("EAAP");
    }

    @Test
    void postsThatCannotSucceedAreRefusedBeforeMetaIsCalled() throws Exception {
        String square = photo("v8", "a", jpeg(1080, 1080));
        String panorama = photo("v8", "wide", jpeg(1500, 500));
        String tags = "#a ".repeat(31);
        Http.Response tooManyTags = call("POST", "/api/v1/instagram/posts", Map.of("caption", tags, "photos", List.of(square)));
        assertThat(tooManyTags.status()).isEqualTo(422);
        assertThat(tooManyTags.json().path("detail").asText()).contains("31");
        assertThat(call("POST", "/api/v1/instagram/posts", Map.of("caption", "x".repeat(2201), "photos", List.of(square)))
                .status()).isEqualTo(400);
        Http.Response wide = call("POST", "/api/v1/instagram/posts", Map.of("caption", "x", "photos", List.of(panorama)));
        assertThat(wide.status()).isEqualTo(422);
        assertThat(wide.json().path("type").asText()).endsWith("unsupported-aspect-ratio");
        assertThat(call("POST", "/api/v1/instagram/posts", Map.of("caption", "x", "photos",
                List.of(square, square, square, square, square, square, square, square, square, square, square)))
                .status()).isEqualTo(400);
        Http.Response missing = call("POST", "/api/v1/facebook/posts", Map.of("photos", List.of("vehicles/v8/none.jpg")));
        assertThat(missing.status()).isEqualTo(404);
        Http.Response escape = call("POST", "/api/v1/facebook/posts", Map.of("photos", List.of("../other/vehicles/v/a.jpg")));
        assertThat(escape.status()).isEqualTo(400);
        assertThat(call("POST", "/api/v1/facebook/posts", Map.of()).status()).isEqualTo(422);

        GRAPH.limit(ig, 100, 100);
        Http.Response full = call("POST", "/api/v1/instagram/posts", Map.of("caption", "x", "photos", List.of(square)));
        assertThat(full.status()).isEqualTo(429);
        assertThat(full.raw().headers().firstValue("Retry-After")).isPresent();
        assertThat(full.json().path("type").asText()).endsWith("publishing-limit-reached");

        GRAPH.server.verify(0, postRequestedFor(urlPathMatching(V + "/.*")));
    }

    @Test
    void anotherTenantsPhotosAndPostsAreOutOfReach() throws Exception {
        String photo = photo("v9", "a", jpeg(400, 300));
        Http.Response mine = call("POST", "/api/v1/facebook/posts", Map.of("message", "x", "photos", List.of(photo)));
        String location = mine.raw().headers().firstValue("Location").orElseThrow();
        awaitStatus(location, "published");

        String other = "pub-other-" + UUID.randomUUID().toString().substring(0, 6);
        tenants.upsert(other, new TenantProfile("Otro", "enterprise", "Europe/Madrid", Map.of("facebook", "99" + page)));
        vault.put(other, "messenger", Map.of("accessToken", "EAAP-other"));
        String otherKey = apiKeys.create(other, "crm").key();
        Http.Response theirs = call(otherKey, "POST", "/api/v1/facebook/posts", Map.of("message", "x", "photos", List.of(photo)));
        assertThat(theirs.status()).as("the same path names the other tenant's own (absent) file").isEqualTo(404);
        assertThat(call(otherKey, "GET", location, null).status()).isEqualTo(404);
        assertThat(call(otherKey, "DELETE", location, null).status()).isEqualTo(404);
    }

    @Test
    void anIdempotencyKeyReturnsThePostItFirstMade() throws Exception {
        String photo = photo("v10", "a", jpeg(400, 300));
        Map<String, Object> body = Map.of("message", "Una vez", "photos", List.of(photo));
        Http.Response first = callWithKey("k-1", body);
        Http.Response again = callWithKey("k-1", body);
        assertThat(again.json().path("id").asText()).isEqualTo(first.json().path("id").asText());
        assertThat(callWithKey("k-1", Map.of("message", "Otra cosa")).status()).isEqualTo(422);
        awaitStatus(first.raw().headers().firstValue("Location").orElseThrow(), "published");
        GRAPH.server.verify(1, postRequestedFor(urlPathEqualTo(V + "/" + page + "/feed")));
    }

    @Test
    void twoRunsOfOneJobCannotBothMakeTheFinalCallAndADeleteWaitsForIt() throws Exception {
        String id = "pub_" + UUID.randomUUID().toString().replace("-", "");
        Instant now = Instant.now();
        publications.createIfAbsent(new Publication(id, tenant, Publication.Network.FACEBOOK, page,
                Publication.Status.PUBLISHING, "Hola", null, List.of(), null, null, null, null, null, null, null, 0, 0,
                null, null, null, null, false, "h", now, now, null));
        Publication read = publications.require(tenant, id);
        assertThat(publications.claimPublish(read).publishAttemptAt()).isNotNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> publications.claimPublish(read))
                .as("a second run that read the post before the first claimed it").isInstanceOf(ConcurrentRun.class);
        Http.Response delete = call("DELETE", "/api/v1/facebook/posts/" + id, null);
        assertThat(delete.status()).isEqualTo(409);
        assertThat(delete.json().path("type").asText()).endsWith("post-being-published");
    }

    Http.Response callWithKey(String idempotencyKey, Object body) throws IOException {
        return http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/facebook/posts"))
                .header("X-Api-Key", key).header("Content-Type", "application/json").header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    JsonNode awaitStatus(String location, String status) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(
                () -> call("GET", location, null).json(), p -> {
                    assertThat(p.path("status").asText()).as(p.toString()).isIn("queued", "publishing", status);
                    return status.equals(p.path("status").asText());
                });
    }

    String photo(String vehicle, String name, byte[] bytes) {
        return "vehicles/" + vehicle + "/" + files.upload(tenant, FileKind.VEHICLES, vehicle, null, name, bytes).path().name();
    }

    Http.Response call(String method, String path, Object body) throws IOException {
        return call(key, method, path, body);
    }

    Http.Response call(String apiKey, String method, String path, Object body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base() + path)).header("X-Api-Key", apiKey);
        if (body != null) {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b);
    }

    static byte[] jpeg(int w, int h) throws IOException {
        return image("jpeg", w, h);
    }

    static byte[] png(int w, int h) throws IOException {
        return image("png", w, h);
    }

    static byte[] image(String format, int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        img.setRGB(w / 2, h / 2, 0xC0FFEE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, format, out);
        return out.toByteArray();
    }
}
