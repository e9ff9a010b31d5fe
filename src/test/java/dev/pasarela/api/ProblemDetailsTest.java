package dev.pasarela.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.security.ApiKeys;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import dev.pasarela.tenants.Quotas;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/** What a caller reads when the gateway refuses: typed problems, never a Java name or a stack trace. */
@GatewayTest
@ExtendWith(OutputCaptureExtension.class)
class ProblemDetailsTest {

    @LocalServerPort
    int port;
    @Autowired
    TenantRepository tenants;
    @Autowired
    ApiKeys apiKeys;
    @Autowired
    Quotas quotas;
    Http http;
    String tenant;
    String key;

    @BeforeEach
    void tenant() {
        http = new Http(port);
        tenant = "pd-" + UUID.randomUUID().toString().substring(0, 8);
        tenants.upsert(tenant, new TenantProfile("Autos PD", "pro", null, Map.of()));
        key = apiKeys.create(tenant, "crm").key();
    }

    Http.Response api(String method, String path, String body) {
        return http.send(HttpRequest.newBuilder(URI.create(http.base() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").header("X-Api-Key", key));
    }

    /** FIREBASE_PROJECT_ID is unset in @GatewayTest. */
    @Test
    void aBearerTokenWithoutFirebaseConfiguredIsA401SayingSo(CapturedOutput log) {
        Http.Response r = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/tenants/" + tenant))
                .header("Authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln").GET());
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.contentType()).startsWith(Problems.MEDIA_TYPE);
        assertThat(r.json().path("type").asText()).isEqualTo(Problems.TYPE_BASE + "firebase-not-configured");
        assertThat(r.json().path("detail").asText()).contains("FIREBASE_PROJECT_ID", "X-Api-Key");
        assertThat(log.getAll()).doesNotContain("BadJwtException", "Request failed");
        // an API key still works beside it
        assertThat(api("GET", "/api/v1/tenants/" + tenant, null).status()).isEqualTo(200);
    }

    @Test
    void malformedJsonIsATypedProblemNamingWhere() {
        Http.Response r = http.ops("PUT", "/ops/tenants/" + tenant, "{\"name\": \"x\",\n  oops}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.contentType()).startsWith(Problems.MEDIA_TYPE);
        assertThat(r.json().path("type").asText()).isEqualTo(Problems.TYPE_BASE + "malformed-json");
        assertThat(r.json().path("detail").asText()).contains("line 2, column");
        assertThat(r.body()).doesNotContain("oops", "Exception", "Failed to read request");
    }

    @Test
    void aWrongQueryValueAMethodAndAContentTypeAreTypedProblems() {
        Http.Response badLimit = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/conversations?limit=abc"))
                .header("X-Api-Key", key).GET());
        assertThat(badLimit.status()).isEqualTo(400);
        assertThat(badLimit.json().path("type").asText()).endsWith("/invalid-request");
        assertThat(badLimit.json().path("detail").asText()).contains("limit");

        Http.Response method = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/usage"))
                .header("X-Api-Key", key).DELETE());
        assertThat(method.status()).isEqualTo(405);
        assertThat(method.contentType()).startsWith("application/problem+json");
        assertThat(method.json().path("type").asText()).endsWith("/method-not-allowed");
        assertThat(method.raw().headers().firstValue("Allow")).hasValueSatisfying(a -> assertThat(a).contains("GET"));

        Http.Response media = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/sms/messages"))
                .header("X-Api-Key", key).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hola")));
        assertThat(media.status()).isEqualTo(415);
        assertThat(media.json().path("type").asText()).endsWith("/unsupported-media-type");
        assertThat(media.json().path("detail").asText()).contains("application/json");
    }

    @Test
    void anUnknownPathIsANotFoundProblem() {
        for (Http.Response r : new Http.Response[] {api("GET", "/api/v1/nothing-here", null),
                http.ops("GET", "/ops/nothing-here", null)}) {
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.contentType()).startsWith(Problems.MEDIA_TYPE);
            assertThat(r.json().path("type").asText()).isEqualTo(Problems.TYPE_BASE + "not-found");
            assertThat(r.body()).doesNotContain("static resource");
        }
    }

    /** No Twilio account for this tenant (and none in the environment): refused at the call, no quota spent. */
    @Test
    void aSendOnAChannelTheTenantCannotUseIsA409AndSpendsNoQuota() {
        Http.Response r = api("POST", "/api/v1/sms/messages", "{\"to\":\"+15017122661\",\"body\":\"Su cita es mañana\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(r.contentType()).startsWith(Problems.MEDIA_TYPE);
        assertThat(r.json().path("type").asText()).isEqualTo(Problems.TYPE_BASE + "channel-not-configured");
        assertThat(r.json().path("detail").asText()).contains("sms", "twilio", "accountSid");
        assertThat(r.body()).doesNotContain("Su cita");
        Quotas.ChannelUsage sms = quotas.usage(tenants.require(tenant)).channels().get("sms");
        assertThat(sms == null ? 0 : sms.used()).isZero();
    }
}
