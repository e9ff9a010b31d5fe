package dev.pasarela.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.pasarela.support.GatewayProcess;
import dev.pasarela.support.Http;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Reminders on the packaged jar: one due while the gateway is killed with SIGKILL is sent once
 * when it starts again; two gateways on one PostgreSQL database fire each reminder once.
 */
@Tag("e2e")
class RemindersE2ETest {

    static final String TENANT = "e2e-recordatorios";
    static final String NUMBER = "+15550001111";
    static final String ACCOUNT = "AC" + "e2e0".repeat(8);

    final Path dir = Path.of("target", "e2e", "reminders-" + System.currentTimeMillis()).toAbsolutePath();
    final WireMockServer twilio = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    final List<GatewayProcess> gateways = new ArrayList<>();
    String schema;

    @BeforeEach
    void twilio() throws Exception {
        Files.createDirectories(dir);
        twilio.start();
        twilio.stubFor(post(urlEqualTo("/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"sid\":\"SM{{randomValue length=32 type='HEXADECIMAL'}}\",\"status\":\"queued\"}")
                        .withTransformers("response-template")));
    }

    @AfterEach
    void stop() {
        gateways.forEach(GatewayProcess::stop);
        twilio.stop();
        if (schema != null) {
            postgres().execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    Map<String, String> env() throws Exception {
        Path tenants = dir.resolve("tenants.yml");
        Files.writeString(tenants, "tenants:\n  - id: " + TENANT + "\n    name: Recordatorios\n    plan: enterprise\n"
                + "    identities:\n      twilio: \"" + NUMBER + "\"\n");
        Map<String, String> env = new HashMap<>(Map.of("TWILIO_API_BASE", twilio.baseUrl(),
                "PASARELA_TENANTS_FILE", tenants.toString(),
                "STRIPE_WEBHOOK_SECRET", dev.pasarela.support.StripeFixtures.SECRET));
        return env;
    }

    GatewayProcess gateway(String name) {
        GatewayProcess g = new GatewayProcess(dir, name);
        gateways.add(g);
        return g;
    }

    /** The tenant's Twilio sub-account and an API key, through the ops API. */
    String onboard(GatewayProcess g) {
        assertThat(g.ops("PUT", "/ops/tenants/" + TENANT + "/credentials/twilio", "{\"accountSid\":\"" + ACCOUNT
                + "\",\"authToken\":\"e2e-twilio-token\",\"phoneNumber\":\"" + NUMBER + "\"}").status()).isIn(200, 201, 204);
        return g.ops("POST", "/ops/tenants/" + TENANT + "/api-keys", "{\"name\":\"e2e\"}").json().path("key").asText();
    }

    static String remind(Http http, String key, String phone, Instant at) {
        Http.Response r = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/reminders"))
                .header("X-Api-Key", key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sendAt\":\"" + at + "\",\"notification\":{"
                        + "\"recipient\":{\"phone\":\"" + phone + "\"},\"kind\":\"appointment_reminder\","
                        + "\"channels\":[\"sms\"],\"data\":{\"name\":\"Ana\",\"date\":\"hoy a las 18:00\"}}}")));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("reminders").get(0).path("id").asText();
    }

    static JsonNode reminder(Http http, String key, String id) {
        return http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/reminders/" + id))
                .header("X-Api-Key", key).GET()).json();
    }

    int smsTo(String phone) {
        return twilio.findAll(postRequestedFor(urlEqualTo("/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json"))
                .withRequestBody(containing("To=" + phone.replace("+", "%2B")))).size();
    }

    @Test
    void aReminderDueWhileTheGatewayIsKilledIsSentOnceWhenItStartsAgain() throws Exception {
        GatewayProcess g = gateway("gateway");
        Map<String, String> env = env();
        g.start(env);
        String key = onboard(g);
        Instant due = Instant.now().plusSeconds(8);
        String id = remind(g.http(), key, "+15017129001", due);
        g.kill();

        await().atMost(Duration.ofSeconds(30)).until(() -> Instant.now().isAfter(due.plusSeconds(3)));
        assertThat(smsTo("+15017129001")).as("nothing sent while the gateway was down").isZero();

        g.start(env);
        await().atMost(Duration.ofSeconds(60)).until(() -> smsTo("+15017129001") == 1);
        JsonNode sent = await().atMost(Duration.ofSeconds(30)).until(() -> reminder(g.http(), key, id),
                r -> "sent".equals(r.path("status").asText()));
        assertThat(sent.path("notificationId").asText()).startsWith("ntf_");
        assertThat(smsTo("+15017129001")).isEqualTo(1);
        assertThat(Files.readString(g.log())).doesNotContain("e2e-twilio-token").doesNotContain(GatewayProcess.OPS);
    }

    @Test
    void twoGatewaysOnOnePostgresDatabaseFireEachReminderOnce() throws Exception {
        schema = "pasarela_e2e_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        postgres().execute("CREATE SCHEMA " + schema);
        Map<String, String> env = env();
        env.putAll(Map.of("SPRING_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:5432/postgres?currentSchema=" + schema,
                "SPRING_DATASOURCE_USERNAME", "postgres", "SPRING_DATASOURCE_PASSWORD", "",
                "PASARELA_STORE_TYPE", "jdbc"));
        GatewayProcess a = gateway("gateway-a");
        GatewayProcess b = gateway("gateway-b");
        // together, as a rollout starts them (the schema is created under a lock: SchemaInitialization)
        CompletableFuture<Void> startingB = CompletableFuture.runAsync(() -> {
            try {
                b.start(env);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        a.start(env);
        startingB.join();
        String key = onboard(a);
        Instant due = Instant.now().plusSeconds(10);
        Map<String, String> ids = new HashMap<>();
        for (int i = 0; i < 8; i++) { // made through both gateways, all due together
            String phone = "+1501712" + (9100 + i);
            ids.put(phone, remind((i % 2 == 0 ? a : b).http(), key, phone, due.plusMillis(100L * i)));
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> ids.values().stream()
                .allMatch(id -> "sent".equals(reminder(a.http(), key, id).path("status").asText())));
        await().atMost(Duration.ofSeconds(30)).until(() -> ids.keySet().stream().allMatch(p -> smsTo(p) >= 1));
        for (String phone : ids.keySet()) {
            assertThat(smsTo(phone)).as("one SMS to %s", phone).isEqualTo(1);
        }
        String logs = Files.readString(a.log()) + Files.readString(b.log());
        assertThat(logs).contains("Reminder rem_");
    }

    static JdbcTemplate postgres() {
        return new JdbcTemplate(new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", ""));
    }
}
