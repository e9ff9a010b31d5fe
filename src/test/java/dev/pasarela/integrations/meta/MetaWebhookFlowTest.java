package dev.pasarela.integrations.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pasarela.messaging.ConversationSink;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import dev.pasarela.support.MetaFixtures;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Meta webhooks in over HTTP: handshake, signature over exact bytes, batches split per tenant, statuses in order. */
@GatewayTest
class MetaWebhookFlowTest {

    @LocalServerPort
    int port;
    @Autowired
    TenantRepository tenants;
    @Autowired
    DocumentStore store;
    Http http;
    String norte;
    String sur;
    String phoneNorte;
    String phoneSur;

    @BeforeEach
    void tenants() {
        http = new Http(port);
        String s = UUID.randomUUID().toString().replaceAll("[^0-9]", "").concat("000000").substring(0, 6);
        norte = "wa-norte-" + s;
        sur = "wa-sur-" + s;
        phoneNorte = "1065403522" + s;
        phoneSur = "1065403529" + s;
        tenants.upsert(norte, new TenantProfile("Autos Norte", null, null, Map.of("whatsapp", phoneNorte,
                "facebook", "1122334455" + s)));
        tenants.upsert(sur, new TenantProfile("Autos Sur", null, null, Map.of("whatsapp", phoneSur)));
    }

    static String fixture(String name) {
        return dev.pasarela.support.Fixtures.read("meta/" + name).trim();
    }

    static String sign(byte[] body) {
        return MetaFixtures.sign(body);
    }

    Http.Response post(byte[] body, String signature) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base() + "/webhooks/meta"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signature != null) {
            b.header("X-Hub-Signature-256", signature);
        }
        return http.send(b);
    }

    Http.Response get(String query) {
        return http.send(HttpRequest.newBuilder(URI.create(http.base() + "/webhooks/meta?" + query)).GET());
    }

    Optional<Document> doc(String path) {
        return store.get(path);
    }

    @Test
    void theSubscriptionHandshakeEchoesTheChallengeOnlyForOurToken() {
        Http.Response ok = get("hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=" + GatewayTest.META_VERIFY_TOKEN);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("1158201444");
        assertThat(get("hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=wrong").status()).isEqualTo(403);
        assertThat(get("hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=" + GatewayTest.META_VERIFY_TOKEN).status())
                .isEqualTo(403);
        assertThat(get("hub.mode=subscribe&hub.verify_token=" + GatewayTest.META_VERIFY_TOKEN).status()).isEqualTo(403);
    }

    @Test
    void anInboundTextIsStoredInTheContactsConversationWithItsExactText() {
        byte[] body = fixture("whatsapp.text.json").replace("106540352242922", phoneNorte).getBytes(StandardCharsets.UTF_8);
        assertThat(new String(body, StandardCharsets.UTF_8)).contains("\\u00bf"); // signed as escaped, as Meta sends it
        assertThat(post(body, sign(body)).status()).isEqualTo(200);
        String conversation = ConversationSink.conversationPath(norte, "whatsapp", "16505551234");
        Document message = await().atMost(Duration.ofSeconds(20)).until(() -> doc(conversation
                + "/messages/wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA="), Optional::isPresent).get();
        assertThat(message.field("content.text")).isEqualTo("¿Tienen el coche en otro color? Me interesa el SUV — gracias 🚗");
        assertThat(message.field("kind")).isEqualTo("text");
        Document conv = doc(conversation).orElseThrow();
        assertThat(conv.field("contactName")).isEqualTo("Sheena Nelson");
        assertThat(conv.field("lastInboundAt")).isEqualTo("2025-06-08T20:59:43Z");
    }

    @Test
    void wrongOrMissingSignaturesAreRefusedWith401() {
        byte[] body = fixture("whatsapp.text.json").getBytes(StandardCharsets.UTF_8);
        assertThat(post(body, null).status()).isEqualTo(401);
        assertThat(post(body, "sha256=" + "0".repeat(64)).status()).isEqualTo(401);
        byte[] reencoded = fixture("whatsapp.text.json").replace("\\u00bf", "¿").getBytes(StandardCharsets.UTF_8);
        assertThat(post(reencoded, sign(body)).status()).as("same JSON, other bytes").isEqualTo(401);
    }

    @Test
    void aBatchForTwoTenantsIsSplitAndEachPartLandsWithItsTenant() {
        byte[] body = fixture("whatsapp.batch.two-numbers.json").replace("106540352242922", phoneNorte)
                .replace("106540352242999", phoneSur).getBytes(StandardCharsets.UTF_8);
        assertThat(post(body, sign(body)).status()).isEqualTo(200);
        Document image = await().atMost(Duration.ofSeconds(20)).until(() -> doc(ConversationSink.conversationPath(norte,
                "whatsapp", "16505551234") + "/messages/wamid.BATCH1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), Optional::isPresent).get();
        assertThat(image.field("content.mediaId")).isEqualTo("1003383421387256");
        assertThat(image.field("content.caption")).isEqualTo("Mi coche actual");
        Document reply = await().atMost(Duration.ofSeconds(20)).until(() -> doc(ConversationSink.conversationPath(sur,
                "whatsapp", "5215512345678") + "/messages/wamid.BATCH2BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"), Optional::isPresent).get();
        assertThat(reply.field("kind")).isEqualTo("button_reply");
        assertThat(reply.field("content.id")).isEqualTo("cita-confirmar");
        Document failed = await().atMost(Duration.ofSeconds(20)).until(() ->
                doc("tenants/" + sur + "/messages/wamid.OUTBOUND2CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"), Optional::isPresent).get();
        assertThat(failed.field("status")).isEqualTo("failed");
        assertThat((List<?>) failed.field("statusHistory")).singleElement()
                .satisfies(h -> assertThat(((Map<?, ?>) h).get("errorCode")).isEqualTo("131047"));
        assertThat(doc(ConversationSink.conversationPath(norte, "whatsapp", "5215512345678"))).isEmpty();
    }

    @Test
    void statusesOutOfOrderNeverMoveBackwardsAndDuplicatesChangeNothing() {
        String wamid = "wamid.ORDER" + UUID.randomUUID().toString().replace("-", "");
        String read = fixture("whatsapp.statuses.json").replace("106540352242922", phoneNorte)
                .replace("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3NTY0QjY2RjAzQ0U1QjVFQjEA", wamid);
        String delivered = read.replace("\"status\":\"read\"", "\"status\":\"delivered\"").replace("1750263773", "1750263770");
        for (String s : new String[] {read, read, delivered, delivered}) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            assertThat(post(b, sign(b)).status()).isEqualTo(200);
        }
        String path = "tenants/" + norte + "/messages/" + wamid;
        await().atMost(Duration.ofSeconds(20)).until(() -> doc(path).map(d -> ((List<?>) d.field("statusHistory")).size())
                .orElse(0) == 2);
        Document m = doc(path).orElseThrow();
        assertThat(m.field("status")).isEqualTo("read");
        assertThat(((List<?>) m.field("statusHistory")).stream().map(h -> String.valueOf(((Map<?, ?>) h).get("status"))).toList())
                .containsExactly("delivered", "read");
    }

    @Test
    void aMessageForANumberNotYetOnboardedIsParkedThenReplayedToItsTenant() {
        String s = UUID.randomUUID().toString().replaceAll("[^0-9]", "").concat("000000").substring(0, 6);
        String newPhone = "1065409999" + s;
        byte[] body = fixture("whatsapp.text.json").replace("106540352242922", newPhone)
                .replace("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=", "wamid.PARKED" + s)
                .getBytes(StandardCharsets.UTF_8);
        assertThat(post(body, sign(body)).status()).isEqualTo(200);
        com.fasterxml.jackson.databind.JsonNode parked = await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (com.fasterxml.jackson.databind.JsonNode m : http.ops("GET", "/ops/dlq/parked.unknown-tenant", null).json()) {
                if (m.path("eventKey").asText().equals("meta:wa:msg:wamid.PARKED" + s)) {
                    return m;
                }
            }
            return null;
        }, m -> m != null);
        String newcomer = "wa-nuevo-" + s;
        tenants.upsert(newcomer, new TenantProfile("Autos Nuevos", null, null, Map.of("whatsapp", newPhone)));
        assertThat(http.ops("POST", "/ops/dlq/parked.unknown-tenant/replay?id=" + parked.path("id").asText(), null)
                .json().path("replayed").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> doc(ConversationSink.conversationPath(newcomer, "whatsapp",
                "16505551234") + "/messages/wamid.PARKED" + s).isPresent());
    }

    /** One id over the limit in a batch: that event alone is dead-lettered, the other tenant's is applied. */
    @Test
    void anIdOverTheLimitDeadLettersThatEventAloneAndTheRestOfTheBatchIsApplied() {
        String s = UUID.randomUUID().toString().replace("-", "");
        String wamid = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=";
        String longId = "wamid.LONG" + s + "A".repeat(558);
        assertThat(longId).hasSize(600);
        String good = fixture("whatsapp.text.json").replace("106540352242922", phoneNorte).replace(wamid, "wamid.GOOD" + s);
        String bad = fixture("whatsapp.text.json").replace("106540352242922", phoneSur).replace(wamid, longId);
        byte[] body = MetaFixtures.batch(good.getBytes(StandardCharsets.UTF_8),
                bad.getBytes(StandardCharsets.UTF_8));
        Http.Response r = post(body, sign(body));
        assertThat(r.status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> doc(ConversationSink.conversationPath(norte, "whatsapp",
                "16505551234") + "/messages/wamid.GOOD" + s).isPresent());
        com.fasterxml.jackson.databind.JsonNode dead = await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (com.fasterxml.jackson.databind.JsonNode m : http.ops("GET", "/ops/dlq/dlq.meta.in.receive", null).json()) {
                if (m.path("cause").asText().contains("WhatsApp message id is 600 characters long")) {
                    return m;
                }
            }
            return null;
        }, m -> m != null);
        assertThat(dead.toString()).doesNotContain("LONG" + s).doesNotContain("Tienen el coche");
        assertThat(dead.path("cause").asText()).contains("PermanentException");
        assertThat(dead.path("eventType").asText()).isEqualTo("meta.unreadable");
        assertThat(dead.path("eventKey").asText()).startsWith("meta:unreadable:");
        assertThat(dead.path("replayTo").asText()).isEqualTo("in.meta");
        // listed with the delivery routes' queues, where an operator looks first
        com.fasterxml.jackson.databind.JsonNode listed = null;
        for (com.fasterxml.jackson.databind.JsonNode q : http.ops("GET", "/ops/dlq", null).json()) {
            listed = q.path("queue").asText().equals("dlq.meta.in.receive") ? q : listed;
        }
        assertThat(listed).as("dlq.meta.in.receive in GET /ops/dlq").isNotNull();
        assertThat(listed.path("kind").asText()).isEqualTo("dead-letter");
        assertThat(listed.path("count").asInt()).isPositive();
        assertThat(doc(ConversationSink.conversationPath(sur, "whatsapp", "16505551234"))).isEmpty();

        // a replay reads it the same: dead-lettered again at once, never delivered
        assertThat(http.ops("POST", "/ops/dlq/dlq.meta.in.receive/replay?id=" + dead.path("id").asText(), null)
                .json().path("replayed").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (com.fasterxml.jackson.databind.JsonNode m : http.ops("GET", "/ops/dlq/dlq.meta.in.deliver", null).json()) {
                if (m.path("eventKey").asText().equals(dead.path("eventKey").asText())
                        && m.path("cause").asText().contains("600")) {
                    return true;
                }
            }
            return false;
        });
        assertThat(doc(ConversationSink.conversationPath(sur, "whatsapp", "16505551234"))).isEmpty();
    }

    @Test
    void entriesWithNothingToProcessAreAcknowledgedAndContactCardsAreKept() {
        String errorsOnly = "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":"
                + "[{\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550783881\","
                + "\"phone_number_id\":\"" + phoneNorte + "\"},\"errors\":[{\"code\":131051,\"title\":\"Unsupported message type\"}]},"
                + "\"field\":\"messages\"}]}]}";
        String feed = "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"time\":1749416400000,\"changes\":[{\"field\":\"feed\","
                + "\"value\":{\"item\":\"comment\",\"verb\":\"add\"}}]}]}";
        for (String s : new String[] {errorsOnly, feed}) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            assertThat(post(b, sign(b)).status()).as(s).isEqualTo(200);
        }
        String contact = fixture("whatsapp.text.json").replace("106540352242922", phoneNorte)
                .replace("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=", "wamid.CONTACT" + phoneNorte)
                .replaceAll("\"type\":\"text\",\"text\":\\{[^}]*\\}",
                        "\"type\":\"contacts\",\"contacts\":[{\"name\":{\"formatted_name\":\"Ana Ruiz\"},"
                                + "\"phones\":[{\"phone\":\"+34 600 000 000\",\"type\":\"CELL\"}]}]");
        assertThat(contact).contains("\"type\":\"contacts\"");
        byte[] b = contact.getBytes(StandardCharsets.UTF_8);
        assertThat(post(b, sign(b)).status()).isEqualTo(200);
        Document card = await().atMost(Duration.ofSeconds(20)).until(() -> doc(ConversationSink.conversationPath(norte,
                "whatsapp", "16505551234") + "/messages/wamid.CONTACT" + phoneNorte), Optional::isPresent).get();
        assertThat(card.field("kind")).isEqualTo("contacts");
        assertThat(card.field("content").toString()).contains("Ana Ruiz");
    }

    @Test
    void messengerMessagesRouteByPageAndEchoesAreNotProcessed() {
        String page = "1122334455" + norte.substring(norte.length() - 6);
        byte[] body = fixture("messenger.message.json").replace("112233445566778", page).getBytes(StandardCharsets.UTF_8);
        assertThat(post(body, sign(body)).status()).isEqualTo(200);
        String conversation = ConversationSink.conversationPath(norte, "messenger", "6789012345678901");
        Document m = await().atMost(Duration.ofSeconds(20)).until(() -> doc(conversation + "/messages/"
                + "m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P"), Optional::isPresent).get();
        assertThat(m.field("content.text")).isEqualTo("Hola, ¿sigue disponible el Corolla?");
        assertThat(doc(ConversationSink.conversationPath(norte, "messenger", page))).isEmpty(); // the echo
    }
}
