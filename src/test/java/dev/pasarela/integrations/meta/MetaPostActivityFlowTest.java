package dev.pasarela.integrations.meta;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import dev.pasarela.support.MetaFixtures;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Comments on a tenant's Facebook Page posts and Instagram media, in as signed Meta webhooks, out
 * as {@code post_activity} callbacks to the tenant's endpoint; one for an unknown page is parked.
 */
@GatewayTest
class MetaPostActivityFlowTest {

    static final WireMockServer CRM = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        CRM.start();
    }

    @AfterAll
    static void stop() {
        CRM.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    TenantRepository tenants;

    Http http;
    String s;
    String tenant;
    String page;
    String igAccount;
    String path;

    @BeforeEach
    void tenant() {
        http = new Http(port);
        s = UUID.randomUUID().toString().replaceAll("[^0-9]", "").concat("0000000").substring(0, 7);
        tenant = "posts-" + s;
        page = "11223344" + s;
        igAccount = "17841405" + s;
        path = "/crm/posts/" + s;
        tenants.upsert(tenant, new TenantProfile("Autos Posts", null, null, Map.of("facebook", page, "instagram",
                igAccount), CRM.baseUrl() + path));
        CRM.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(204)));
    }

    void webhook(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        Http.Response r = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/webhooks/meta"))
                .header("X-Hub-Signature-256", MetaFixtures.sign(body)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        assertThat(r.status()).isEqualTo(200);
    }

    List<LoggedRequest> callbacks() {
        return CRM.findAll(postRequestedFor(urlEqualTo(path)));
    }

    JsonNode awaitCallback(String eventId) {
        LoggedRequest found = await().atMost(Duration.ofSeconds(20)).until(() -> callbacks().stream()
                .filter(r -> eventId.equals(r.getHeader("X-Pasarela-Event-Id"))).findFirst().orElse(null), r -> r != null);
        try {
            return new ObjectMapper().readTree(found.getBody());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aCommentOnThePagesPostReachesTheTenantsCallbackOnceEvenWhenMetaRetries() {
        String comment = MetaWebhookFlowTest.fixture("page.feed.comment.json").replace("112233445566778", page)
                .replace("1357924680", s);
        webhook(comment);
        webhook(comment); // Meta's retry of the same notification
        JsonNode body = awaitCallback("meta:facebook:feed:998877665544332_" + s + ":comment:add");
        assertThat(body.path("type").asText()).isEqualTo("post_activity");
        assertThat(body.path("tenantId").asText()).isEqualTo(tenant);
        assertThat(body.path("channel").asText()).isEqualTo("facebook");
        assertThat(body.path("postId").asText()).isEqualTo(page + "_998877665544332");
        assertThat(body.path("item").asText()).isEqualTo("comment");
        assertThat(body.path("verb").asText()).isEqualTo("add");
        assertThat(body.path("itemId").asText()).isEqualTo("998877665544332_" + s);
        assertThat(body.path("authorName").asText()).isEqualTo("Marta Gómez");
        assertThat(body.path("text").asText()).isEqualTo("¿Sigue disponible el Corolla rojo? 🚗");
        assertThat(body.path("occurredAt").asText()).isEqualTo("2025-06-08T20:59:59Z");

        // a later event for the same tenant arrives, and the retried comment was still posted only once
        webhook(MetaWebhookFlowTest.fixture("instagram.comment.json").replace("17841405309211844", igAccount)
                .replace("17865799348089039", "178657993" + s));
        awaitCallback("meta:instagram:comment:178657993" + s);
        assertThat(callbacks()).filteredOn(r -> r.getHeader("X-Pasarela-Event-Id").contains(":feed:")).hasSize(1);
    }

    @Test
    void aCommentOnTheTenantsInstagramMediaReachesItsCallback() {
        webhook(MetaWebhookFlowTest.fixture("instagram.comment.json").replace("17841405309211844", igAccount)
                .replace("17865799348089039", "178657994" + s));
        JsonNode body = awaitCallback("meta:instagram:comment:178657994" + s);
        assertThat(body.path("type").asText()).isEqualTo("post_activity");
        assertThat(body.path("eventId").asText()).isEqualTo("meta:instagram:comment:178657994" + s);
        assertThat(body.path("channel").asText()).isEqualTo("instagram");
        assertThat(body.path("postId").asText()).isEqualTo("18060425656542357");
        assertThat(body.path("authorId").asText()).isEqualTo("232323232");
        assertThat(body.path("authorName").asText()).isEqualTo("lucia.autos");
        assertThat(body.path("text").asText()).isEqualTo("¿Cuánto cuesta? Me encanta 😍");
    }

    @Test
    void aFeedChangeForAnUnknownPageIsParkedNotLost() {
        String unknownPage = "99887766" + s;
        webhook(MetaWebhookFlowTest.fixture("page.feed.comment.json").replace("112233445566778", unknownPage)
                .replace("1357924680", s));
        String key = "meta:facebook:feed:998877665544332_" + s + ":comment:add";
        JsonNode parked = await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (JsonNode m : http.ops("GET", "/ops/dlq/parked.unknown-tenant", null).json()) {
                if (m.path("eventKey").asText().equals(key)) {
                    return m;
                }
            }
            return null;
        }, m -> m != null);
        assertThat(callbacks()).isEmpty();
    }
}
