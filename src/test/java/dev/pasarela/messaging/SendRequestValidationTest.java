package dev.pasarela.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.security.ApiKeys;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Every send endpoint and POST notifications refuse a bad body with 400 {@code invalid-request}
 * naming the field and the rule: a broken rule, a field of the wrong type, JSON that is not JSON.
 */
@GatewayTest
class SendRequestValidationTest {

    @LocalServerPort
    int port;
    @Autowired
    TenantRepository tenants;
    @Autowired
    ApiKeys apiKeys;

    String apiKey;

    @BeforeEach
    void tenant() {
        String tenant = "val-" + UUID.randomUUID().toString().substring(0, 8);
        tenants.upsert(tenant, new TenantProfile("Autos Validación", "enterprise", "America/Mexico_City", Map.of()));
        apiKey = apiKeys.create(tenant, "crm").key();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/api/v1/whatsapp/messages | {\"to\":\"5512345678\",\"type\":\"text\",\"text\":{\"body\":\"x\"}} | to must be an E.164 number",
            "/api/v1/whatsapp/messages | {\"to\":\"+5215512345678\",\"type\":\"sticker\"}             | type must be text, template, image or document",
            "/api/v1/whatsapp/messages | {\"to\":\"+5215512345678\",\"type\":\"text\",\"text\":\"hola\"} | text has the wrong type: it must be an object",
            "/api/v1/whatsapp/messages | {\"to\":\"+5215512345678\",\"type\":\"text\",\"text\":{}}      | text.body is required",
            "/api/v1/whatsapp/messages | {\"to\":\"+52155\",                                           | not valid JSON",
            "/api/v1/messenger/messages | {\"to\":\"psid-1\",\"text\":{\"body\":\"x\"}}                 | to must be the contact's page-scoped id",
            "/api/v1/instagram/messages | {\"to\":\"1234\",\"text\":{\"body\":\"x\"},\"tag\":\"PROMO\"} | tag must be one of",
            "/api/v1/sms/messages      | {\"to\":\"+5215512345678\"}                                   | body is required, at most 1600 characters",
            "/api/v1/sms/messages      | {\"to\":\"+5215512345678\",\"body\":\"x\",\"mediaUrl\":\"http://a.example/x.jpg\"} | mediaUrl must be an https URL",
            "/api/v1/sms/messages      | {\"to\":[\"+5215512345678\"],\"body\":\"x\"}                  | to has the wrong type: it must be a string",
            "/api/v1/email/messages    | {\"to\":\"not-an-address\",\"subject\":\"s\",\"html\":\"h\"}   | to must be one email address",
            "/api/v1/email/messages    | {\"to\":\"ana@example.com\",\"subject\":\"s\"}                 | Give a template (with data) or a subject and html",
            "/api/v1/notifications     | {\"kind\":\"party\",\"recipient\":{\"phone\":\"+5215512345678\"}} | kind must be one of",
            "/api/v1/notifications     | {\"kind\":\"system\",\"recipient\":{\"phone\":\"+5215512345678\"},\"channels\":[\"fax\"]} | channels lists each of [email, sms, whatsapp]",
            "/api/v1/notifications     | {\"kind\":\"system\",\"recipient\":{\"phone\":\"+5215512345678\"},\"data\":[1]} | data has the wrong type: it must be an object",
            "/api/v1/reminders         | {\"sendAt\":\"2030-01-01T10:00:00Z\"}                     | notification is required",
            "/api/v1/reminders         | {\"notification\":{\"kind\":\"party\",\"recipient\":{\"phone\":\"+5215512345678\"}},\"sendAt\":\"2030-01-01T10:00:00Z\"} | kind must be one of",
            "/api/v1/reminders         | {\"notification\":{\"kind\":\"system\",\"recipient\":{\"phone\":\"+5215512345678\"}},\"offsets\":\"P7D\"} | offsets has the wrong type",
            "/api/v1/whatsapp/templates | {\"name\":\"Cita\",\"language\":\"es_MX\",\"category\":\"UTILITY\",\"components\":[{\"type\":\"BODY\"}]} | name must be 1-512 characters",
            "/api/v1/whatsapp/templates | {\"name\":\"cita\",\"language\":\"es_MX\",\"category\":\"UTILITY\",\"components\":[]} | components must be a non-empty list",
    })
    void aBadBodyIsAProblemNamingTheFieldAndTheRule(String path, String body, String detail) {
        Http.Response r = new Http(port).send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-Api-Key", apiKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        // a body that is not JSON at all has its own type, with where it broke
        assertThat(r.json().path("type").asText()).endsWith(detail.equals("not valid JSON") ? "/malformed-json" : "/invalid-request");
        assertThat(r.json().path("detail").asText()).contains(detail);
    }
}
