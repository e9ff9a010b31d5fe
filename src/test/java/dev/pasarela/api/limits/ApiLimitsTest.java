package dev.pasarela.api.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Plans' rate limits and monthly quotas on /api/**, as a caller sees them. */
@GatewayTest
@Import(ApiLimitsTest.SmsStandIn.class)
class ApiLimitsTest {

    /** An /api endpoint that spends the sms quota without sending anything (the real one sends through Twilio). */
    @RestController
    static class SmsStandIn {
        @PostMapping("/api/v1/sms/stand-in")
        @ResponseStatus(HttpStatus.ACCEPTED)
        @Metered("sms")
        Map<String, String> send() {
            return Map.of("status", "queued");
        }

        @PostMapping("/api/v1/sms/failing")
        @Metered("sms")
        Map<String, String> fail() {
            throw new dev.pasarela.api.ProblemException(422, "invalid-recipient", "Invalid recipient",
                    "The number cannot receive SMS.");
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    TenantRepository tenants;
    @Autowired
    DocumentStore store;
    Http http;
    String tenant;
    String key;

    @BeforeEach
    void tenantWithKey() {
        http = new Http(port);
        tenant = "lim-" + UUID.randomUUID().toString().substring(0, 6);
        tenants.upsert(tenant, new TenantProfile("Autos Límite", "free", "America/Mexico_City", Map.of()));
        key = http.ops("POST", "/ops/tenants/" + tenant + "/api-keys", "{\"name\":\"test\"}").json().path("key").asText();
    }

    Http.Response call(String method, String path) {
        return http.send(HttpRequest.newBuilder(URI.create(http.base() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).header("X-Api-Key", key));
    }

    @Test
    void overThePlansRateTheCallerGets429WithRetryAfterAndRateLimitHeaders() {
        List<Http.Response> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(call("GET", "/api/v1/usage"));
        }
        Http.Response ok = answers.get(0);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.raw().headers().firstValue("RateLimit-Limit")).hasValue("2"); // free: 2/s per integration
        assertThat(ok.raw().headers().firstValue("RateLimit-Remaining")).isPresent();
        Http.Response limited = answers.stream().filter(r -> r.status() == 429).findFirst().orElseThrow();
        assertThat(limited.contentType()).startsWith("application/problem+json");
        assertThat(limited.json().path("type").asText()).endsWith("/rate-limited");
        assertThat(Long.parseLong(limited.raw().headers().firstValue("Retry-After").orElseThrow())).isPositive();
        assertThat(limited.raw().headers().firstValue("RateLimit-Remaining")).hasValue("0");

        Http.Response metrics = http.ops("GET", "/actuator/prometheus", null);
        assertThat(metrics.body()).containsPattern("pasarela_api_rejections_total\\{[^}]*reason=\"rate\"[^}]*tenant=\"" + tenant + "\"");
    }

    @Test
    void aSpentMonthlyQuotaIsA429NamingTheChannelAndCountsSurviveInTheStore() {
        String month = DateTimeFormatter.ofPattern("yyyy-MM").format(ZonedDateTime.now(ZoneId.of("America/Mexico_City")));
        store.set("tenants/" + tenant + "/usage/" + month, Map.of("month", month, "channels", Map.of("sms", 19)));

        Http.Response last = call("POST", "/api/v1/sms/stand-in");
        assertThat(last.status()).isEqualTo(202);
        Http.Response spent = call("POST", "/api/v1/sms/stand-in");
        assertThat(spent.status()).isEqualTo(429);
        assertThat(spent.json().path("type").asText()).endsWith("/quota-exhausted/sms");
        assertThat(spent.json().path("detail").asText()).contains("sms", "20", month);
        assertThat(Long.parseLong(spent.raw().headers().firstValue("Retry-After").orElseThrow())).isPositive();

        JsonNode usage = call("GET", "/api/v1/usage").json();
        assertThat(usage.path("plan").asText()).isEqualTo("free");
        assertThat(usage.path("month").asText()).isEqualTo(month);
        assertThat(usage.path("channels").path("sms").path("used").asLong()).isEqualTo(20);
        assertThat(usage.path("channels").path("sms").path("remaining").asLong()).isZero();
        assertThat(usage.path("channels").path("whatsapp").path("limit").asLong()).isEqualTo(100);
        assertThat(store.get("tenants/" + tenant + "/usage/" + month).orElseThrow().field("channels.sms")).isEqualTo(20L);
        assertThat(http.ops("GET", "/ops/tenants/" + tenant + "/usage", null).json()).isEqualTo(usage);
        // the calls let through are counted, each under its integration; the one refused for its quota is not
        String scrape = http.ops("GET", "/actuator/prometheus", null).body();
        assertThat(scrape).contains("pasarela_api_requests_total{integration=\"sms\",tenant=\"" + tenant + "\"} 1.0",
                "pasarela_api_requests_total{integration=\"usage\",tenant=\"" + tenant + "\"} 1.0");
    }

    @Test
    void aMeteredCallThatFailsGivesItsUnitBack() {
        assertThat(call("POST", "/api/v1/sms/failing").status()).isEqualTo(422);
        assertThat(call("GET", "/api/v1/usage").json().path("channels").path("sms").path("used").asLong()).isZero();
    }

    @Test
    void anEncodedPathIsLimitedAsTheRouteItReaches() {
        for (int i = 0; i < 6; i++) {
            call("GET", "/api/v1/usage");
        }
        // %75sage is /usage: same integration bucket, already spent
        assertThat(call("GET", "/api/v1/%75sage").status()).isEqualTo(429);
    }

    @Test
    void aTenantThatNoLongerExistsCannotCall() {
        store.delete("tenants/" + tenant);
        Http.Response r = call("GET", "/api/v1/usage");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().path("type").asText()).endsWith("/unknown-tenant");
    }

    /**
     * Metered only once a provider took it: a 202-accepted SMS whose credential no longer decrypts by
     * the time it is delivered ends failed (credential-unreadable), and the unit its call spent comes back.
     */
    @Test
    void aMessageThatFailsBeforeAnyProviderTookItIsNotMetered(@Autowired dev.pasarela.security.CredentialVault vault,
                                                             @Autowired org.apache.camel.CamelContext camel)
            throws Exception {
        vault.put(tenant, "twilio", Map.of("accountSid", "AC" + "0".repeat(32), "authToken", "tok",
                "phoneNumber", "+15005550006"));
        Http.Response sent;
        camel.getRouteController().stopRoute("sms.out.deliver"); // held on the queue while the credential breaks
        try {
            sent = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/sms/messages"))
                    .header("X-Api-Key", key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"+15017120099\",\"body\":\"Su cita es mañana\"}")));
            assertThat(sent.status()).as(sent.body()).isEqualTo(202);
            assertThat(call("GET", "/api/v1/usage").json().path("channels").path("sms").path("used").asLong()).isEqualTo(1);
            Map<String, Object> credential = new java.util.HashMap<>(
                    store.get("tenants/" + tenant + "/credentials/twilio").orElseThrow().data());
            credential.put("ciphertext", java.util.Base64.getEncoder().encodeToString(new byte[48]));
            store.set("tenants/" + tenant + "/credentials/twilio", credential);
        } finally {
            camel.getRouteController().startRoute("sms.out.deliver");
        }
        String id = sent.json().path("id").asText();
        // read in the store: polling the API would spend the free plan's 2 calls a second
        String path = "tenants/" + tenant + "/messages/" + id;
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> "failed".equals(store.get(path).orElseThrow().field("status")));
        // read for the shaping key before the send step: dead-lettered at once, its cause kept
        assertThat(String.valueOf(store.get(path).orElseThrow().field("error.detail"))).contains("credential-unreadable");
        // the caller reads the fault's own code, not "retries-exhausted": none were made
        assertThat(store.get(path).orElseThrow().field("error.code")).isEqualTo("credential-unreadable");
        assertThat(store.get(path).orElseThrow().field("providerMessageId")).isNull();
        assertThat(call("GET", "/api/v1/usage").json().path("channels").path("sms").path("used").asLong()).isZero();
        assertThat(store.get("tenants/" + tenant + "/messages/" + id).orElseThrow().field("metered.givenBack")).isEqualTo(true);
    }
}
