package dev.pasarela.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.pipeline.transform.InboundMessage;
import dev.pasarela.security.ApiKeys;
import dev.pasarela.security.CredentialVault;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/** A tenant reads its conversations and their messages, both directions, newest first, page by page. */
@GatewayTest
@ExtendWith(OutputCaptureExtension.class)
class ConversationsApiTest {

    static final String TEXT = "Hola, ¿sigue disponible el sedán azul?";

    @LocalServerPort
    int port;
    @Autowired
    TenantRepository tenants;
    @Autowired
    ApiKeys apiKeys;
    @Autowired
    CredentialVault vault;
    @Autowired
    ConversationSink conversations;

    Http http;
    String tenant;
    String key;
    String phone;

    @BeforeEach
    void tenant() {
        http = new Http(port);
        String s = UUID.randomUUID().toString().replaceAll("[^0-9]", "").concat("0000000").substring(0, 7);
        tenant = "conv-" + s;
        phone = "+1501" + s;
        tenants.upsert(tenant, new TenantProfile("Autos Conv", "pro", null, Map.of()));
        key = apiKeys.create(tenant, "crm").key();
    }

    Http.Response api(String method, String path, String body, String apiKey) {
        return http.send(HttpRequest.newBuilder(URI.create(http.base() + path)).header("X-Api-Key", apiKey)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    void inbound(String channel, String contact, String id, Instant at, String text) {
        conversations.deliver(new InboundMessage(tenant, channel + ":" + id, "twilio", at, channel, id, contact, "Ana",
                "text", Map.of("text", text), null));
    }

    @Test
    void conversationsNewestFirstFilteredAndPagedWithTheirMessagesBothWays(CapturedOutput log) {
        Instant t = Instant.now().minusSeconds(600);
        inbound("whatsapp", "5215512345678", "wamid.A" + tenant, t, "Buenas tardes");
        inbound("sms", phone, "SMa" + tenant, t.plusSeconds(60), TEXT);
        inbound("sms", phone, "SMb" + tenant, t.plusSeconds(120), "¿Tienen financiamiento?");
        vault.put(tenant, "twilio", Map.of("accountSid", "AC" + "0".repeat(32), "authToken", "tok",
                "phoneNumber", "+15005550006"));
        Http.Response sent = api("POST", "/api/v1/sms/messages", "{\"to\":\"" + phone + "\",\"body\":\"Sí, pase hoy\"}", key);
        assertThat(sent.status()).as(sent.body()).isEqualTo(202);
        String messageId = sent.json().path("id").asText();

        JsonNode all = api("GET", "/api/v1/conversations", null, key).json();
        assertThat(all.path("conversations").findValuesAsText("id"))
                .containsExactly("sms:" + phone, "whatsapp:5215512345678");
        assertThat(all.has("nextPageToken")).isFalse();
        assertThat(api("GET", "/api/v1/conversations?channel=whatsapp", null, key).json().path("conversations")
                .findValuesAsText("id")).containsExactly("whatsapp:5215512345678");
        assertThat(api("GET", "/api/v1/conversations?contact=" + URLEncoder.encode(phone, StandardCharsets.UTF_8),
                null, key).json().path("conversations").findValuesAsText("id")).containsExactly("sms:" + phone);

        JsonNode first = api("GET", "/api/v1/conversations?limit=1", null, key).json();
        assertThat(first.path("conversations").findValuesAsText("id")).containsExactly("sms:" + phone);
        JsonNode second = api("GET", "/api/v1/conversations?limit=1&pageToken=" + first.path("nextPageToken").asText(),
                null, key).json();
        assertThat(second.path("conversations").findValuesAsText("id")).containsExactly("whatsapp:5215512345678");
        assertThat(second.has("nextPageToken")).isFalse();

        String path = "/api/v1/conversations/" + URLEncoder.encode("sms:" + phone, StandardCharsets.UTF_8) + "/messages";
        JsonNode page = api("GET", path + "?limit=2", null, key).json();
        JsonNode messages = page.path("messages");
        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).path("id").asText()).isEqualTo(messageId);
        assertThat(messages.get(0).path("direction").asText()).isEqualTo("outbound");
        assertThat(messages.get(0).path("statusHistory").get(0).path("status").asText()).isEqualTo("accepted");
        assertThat(messages.get(1).path("direction").asText()).isEqualTo("inbound");
        assertThat(messages.get(1).path("content").path("text").asText()).isEqualTo("¿Tienen financiamiento?");
        JsonNode rest = api("GET", path + "?limit=2&pageToken=" + page.path("nextPageToken").asText(), null, key).json();
        assertThat(rest.path("messages")).hasSize(1);
        assertThat(rest.path("messages").get(0).path("content").path("text").asText()).isEqualTo(TEXT);

        // another tenant sees nothing of it; bad parameters are problems
        String other = "conv-x" + tenant.substring(5);
        tenants.upsert(other, new TenantProfile("Otro", "pro", null, Map.of()));
        String otherKey = apiKeys.create(other, "crm").key();
        assertThat(api("GET", "/api/v1/conversations", null, otherKey).json().path("conversations")).isEmpty();
        Http.Response hidden = api("GET", path, null, otherKey);
        assertThat(hidden.status()).isEqualTo(404);
        assertThat(hidden.json().path("type").asText()).endsWith("/conversation-not-found");
        assertThat(api("GET", "/api/v1/conversations?pageToken=nonsense", null, key).status()).isEqualTo(400);
        assertThat(api("GET", "/api/v1/conversations?limit=1000", null, key).status()).isEqualTo(400);
        // message texts are personal data: never in the log
        assertThat(log.getAll()).doesNotContain(TEXT, "Sí, pase hoy");
    }

    /** Within one second, "newest first" is still by time: a clock ticking milliseconds, not whole seconds. */
    @Test
    void newestFirstHoldsWithinOneSecond() {
        java.time.Clock clock = java.time.Clock.fixed(Instant.parse("2026-03-04T10:00:00Z"), java.time.ZoneOffset.UTC);
        java.util.function.IntFunction<Instant> ms = n -> java.time.Clock.offset(clock, java.time.Duration.ofMillis(n)).instant();
        inbound("sms", "+15550000001", "SMs1" + tenant, ms.apply(0), "uno");
        inbound("sms", "+15550000002", "SMs2" + tenant, ms.apply(1), "dos");
        inbound("sms", "+15550000003", "SMs3" + tenant, ms.apply(500), "tres");
        assertThat(api("GET", "/api/v1/conversations?channel=sms", null, key).json().path("conversations")
                .findValuesAsText("contactId")).containsExactly("+15550000003", "+15550000002", "+15550000001");
        // a page of one holds the newest: the store's order agrees with time, not only the page's sort
        assertThat(api("GET", "/api/v1/conversations?channel=sms&limit=1", null, key).json().path("conversations")
                .findValuesAsText("contactId")).containsExactly("+15550000003");

        inbound("sms", "+15550000004", "SMm0" + tenant, ms.apply(0), "primero");
        inbound("sms", "+15550000004", "SMm1" + tenant, ms.apply(1), "segundo");
        inbound("sms", "+15550000004", "SMm2" + tenant, ms.apply(10), "tercero");
        JsonNode messages = api("GET", "/api/v1/conversations/"
                + URLEncoder.encode("sms:+15550000004", StandardCharsets.UTF_8) + "/messages", null, key).json();
        assertThat(messages.path("messages").findValuesAsText("text")).containsExactly("tercero", "segundo", "primero");
    }

    @Test
    void theNewQueriesHaveTheirFirestoreIndexes() throws Exception {
        JsonNode indexes = new ObjectMapper().readTree(Files.readString(Path.of("config/firestore.indexes.json")));
        List<String> declared = new java.util.ArrayList<>();
        indexes.path("indexes").forEach(i -> declared.add(i.path("collectionGroup").asText() + ":"
                + String.join(",", i.path("fields").findValuesAsText("fieldPath"))));
        assertThat(declared).contains("conversations:channel,lastMessageAt", "conversations:contactId,lastMessageAt",
                "conversations:channel,contactId,lastMessageAt", "messages:conversationId,createdAt");
    }
}
