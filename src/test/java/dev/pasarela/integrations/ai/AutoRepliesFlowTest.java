package dev.pasarela.integrations.ai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
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
import dev.pasarela.api.ProblemException;
import dev.pasarela.messaging.ConversationSink;
import dev.pasarela.messaging.MessageHistory;
import dev.pasarela.security.ApiKeys;
import dev.pasarela.security.CredentialVault;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.Query;
import dev.pasarela.support.Fixtures;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Automatic replies on WhatsApp, through the whole gateway: a signed inbound webhook, the job on
 * {@code jobs.ai}, the reply through the outbox to a Graph stand-in, the analysis and handoffs posted
 * to the tenant's callback (the same stand-in). The assistant is a fake that answers by keywords of
 * the customer's Spanish text, since the rules are what is tested here, not a model.
 */
@GatewayTest
@Import(AutoRepliesFlowTest.FakeAssistantConfiguration.class)
class AutoRepliesFlowTest {

    static final WireMockServer STANDIN = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final String GREETING = "Hola, ¿sigue disponible el SEAT León de 2021?";
    static final String REPLY = "¡Hola! Sí, en Autos García tenemos el SEAT León de 2021. Abrimos de lunes a sábado "
            + "de 9:00 a 20:00. ¿Quiere venir a verlo?";

    static {
        STANDIN.start();
    }

    @DynamicPropertySource
    static void standIn(DynamicPropertyRegistry registry) {
        registry.add("pasarela.meta.graph-base-url", STANDIN::baseUrl);
    }

    @AfterAll
    static void stop() {
        STANDIN.stop();
    }

    /** Answers by keywords of the customer's last message; counts replies drafted per text. */
    static class FakeAssistant implements AiAssistant {
        final Map<String, AtomicInteger> replies = new ConcurrentHashMap<>();
        final Set<String> failOnce = ConcurrentHashMap.newKeySet();

        @Override
        public Generated generate(String tenantId, GenerateRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public LeadClassification classifyLead(String tenantId, List<ChatCall.Turn> conversation) {
            String last = conversation.get(conversation.size() - 1).text().toLowerCase();
            if (last.contains("persona")) {
                return new LeadClassification(LeadIntent.OTRO, "alta", null, 0.95, true, "llm", "fake");
            }
            if (last.contains("mmm")) {
                return new LeadClassification(LeadIntent.OTRO, "baja", null, 0.3, false, "llm", "fake");
            }
            return new LeadClassification(LeadIntent.COMPRA, "media", last.contains("león") ? "SEAT León" : null,
                    0.92, false, "llm", "fake");
        }

        @Override
        public LeadClassification classifyLeadLocally(String tenantId, List<ChatCall.Turn> conversation) {
            throw new UnsupportedOperationException(); // the jobs never fall back: they retry
        }

        @Override
        public SentimentResult sentiment(String tenantId, String text) {
            return text.contains("idiota") ? new SentimentResult("negative", -0.9, "insulta al concesionario", "fake")
                    : new SentimentResult("positive", 0.6, "interés por un coche", "fake");
        }

        @Override
        public Moderation moderate(String tenantId, String text) {
            if (text.contains("plan básico")) {
                throw new ProblemException(403, "plan-excludes-ai", "AI not in plan", "El plan del concesionario no incluye IA.");
            }
            if (text.contains("sin tokens")) {
                throw new dev.pasarela.api.RateLimitedException("quota-exhausted/ai-tokens", "Monthly quota exhausted",
                        "La cuota mensual de IA está agotada.", 3600);
            }
            boolean flagged = text.contains("idiota");
            return new Moderation("fake", "fake", flagged, Map.of("harassment", flagged), Map.of("harassment", flagged ? 0.97 : 0.01));
        }

        @Override
        public Embeddings embed(String tenantId, List<String> texts) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ReplyDraft reply(String tenantId, TenantContext context, List<ChatCall.Turn> conversation) {
            String last = conversation.get(conversation.size() - 1).text();
            replies.computeIfAbsent(last, k -> new AtomicInteger()).incrementAndGet();
            if (failOnce.remove(last)) {
                throw new ProblemException(503, "ai-unavailable", "AI unavailable", "Ningún proveedor respondió.");
            }
            if (last.contains("descuento")) {
                return new ReplyDraft(null, true, "precio negociado", "fake");
            }
            assertThat(context.businessName()).isEqualTo("Autos García");
            return new ReplyDraft(REPLY, false, null, "fake");
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class FakeAssistantConfiguration {
        @Bean
        @Primary
        FakeAssistant fakeAssistant() {
            return new FakeAssistant();
        }
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
    DocumentStore store;
    @Autowired
    AiSettingsStore settings;
    @Autowired
    AutoReplies autoReplies;
    @Autowired
    FakeAssistant assistant;
    @Autowired
    MeterRegistry meters;
    @Autowired
    Clock clock;
    @Autowired
    ObjectMapper json;

    Http http;
    String tenant;
    String phone;
    String waba;
    String apiKey;

    @BeforeEach
    void tenant() {
        http = new Http(port);
        String s = UUID.randomUUID().toString().replaceAll("[^0-9]", "").concat("0000000").substring(0, 7);
        tenant = "ai-" + s;
        phone = "106541" + s;
        waba = "102291" + s;
        tenants.upsert(tenant, new TenantProfile("Autos García", "enterprise", "Europe/Madrid",
                Map.of("whatsapp", phone, "whatsapp-business-account", waba), STANDIN.baseUrl() + "/crm/" + tenant));
        vault.put(tenant, "whatsapp", Map.of("accessToken", "EAAG-test-" + s));
        apiKey = apiKeys.create(tenant, "crm").key();
        STANDIN.stubFor(post(urlEqualTo("/v25.0/" + phone + "/messages")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(Fixtures.read("meta/graph/send.whatsapp.json").trim())));
        STANDIN.stubFor(post(urlEqualTo("/crm/" + tenant)).willReturn(aResponse().withStatus(200)));
        settings.save(tenant, settings(List.of("whatsapp"), 3));
    }

    static AiSettings settings(List<String> channels, int maxPerHour) {
        return new AiSettings("Autos García", "De lunes a sábado de 9:00 a 20:00", "Calle de Alcalá 200, Madrid",
                List.of(new AiSettings.Faq("¿Aceptáis coches usados como parte del pago?", "Sí, los tasamos gratis.")),
                "SEAT León 2021, 18.900 €; Toyota Corolla híbrido 2022, 22.500 €",
                new AiSettings.AutoReplies(channels, maxPerHour, Duration.ofMinutes(30), 0.6, true));
    }

    // ---- through the whole gateway

    @Test
    void aQuestionOnWhatsAppInsideTheWindowIsAnsweredAndRecordedAsAnAutomaticReply() {
        String waId = "34612" + tenant.substring(3) + "1";
        String wamid = contactWrites(waId, GREETING);

        List<LoggedRequest> sent = await().atMost(Duration.ofSeconds(30)).until(() -> graphSendsTo(waId), r -> r.size() == 1);
        JsonNode graphBody = json(sent.get(0).getBodyAsString());
        assertThat(graphBody.path("type").asText()).isEqualTo("text");
        assertThat(graphBody.path("text").path("body").asText()).isEqualTo(REPLY);

        List<Document> auto = await().atMost(Duration.ofSeconds(10)).until(() -> autoMessages(waId), a -> a.size() == 1);
        assertThat(auto.get(0).field("direction")).isEqualTo("outbound");
        assertThat(auto.get(0).field("content.text")).isEqualTo(REPLY);
        assertThat(auto.get(0).field("inReplyTo")).isEqualTo(wamid);
        Document outbound = store.get(MessageHistory.messagePath(tenant, (String) auto.get(0).field("messageId"))).orElseThrow();
        assertThat(outbound.field("origin")).isEqualTo("auto-reply");
        assertThat(outbound.field("to")).isEqualTo("+" + waId);
        await().atMost(Duration.ofSeconds(10)).until(() -> count("sent") == 1.0);
        // an automatic reply is not an agent answering: later messages may still be answered
        assertThat(conversation(waId).field("lastAgentReplyAt")).isNull();
    }

    @Test
    void theClassificationAndSentimentAreStoredOnTheConversationAndPostedToTheCallback() {
        String waId = "34613" + tenant.substring(3) + "2";
        String wamid = contactWrites(waId, GREETING);

        List<LoggedRequest> posted = await().atMost(Duration.ofSeconds(30))
                .until(() -> callbacks("conversation.analyzed"), r -> !r.isEmpty());
        JsonNode event = json(posted.get(0).getBodyAsString());
        assertThat(event.path("type").asText()).isEqualTo("conversation.analyzed");
        assertThat(event.path("messageId").asText()).isEqualTo(wamid);
        assertThat(event.path("contact").asText()).isEqualTo(waId);
        assertThat(event.path("classification").path("intent").asText()).isEqualTo("compra");
        assertThat(event.path("classification").path("vehicle").asText()).isEqualTo("SEAT León");
        assertThat(event.path("sentiment").path("sentiment").asText()).isEqualTo("positive");
        assertThat(event.path("flagged").asBoolean()).isFalse();

        Document conversation = conversation(waId);
        assertThat(conversation.field("lastClassification.intent")).isEqualTo("compra");
        assertThat(conversation.field("lastSentiment.sentiment")).isEqualTo("positive");
        assertThat(conversation.field("lastClassificationAt")).isNotNull();
        Document inbound = store.get(ConversationSink.conversationPath(tenant, "whatsapp", waId) + "/messages/" + wamid)
                .orElseThrow();
        assertThat(inbound.field("classification.confidence")).isEqualTo(0.92);
        assertThat(inbound.field("sentiment.score")).isEqualTo(0.6);
    }

    @Test
    void aProviderOutageIsRetriedByTheCentralPolicyAndTheCustomerGetsOneReply() {
        String waId = "34614" + tenant.substring(3) + "3";
        String text = "Buenas, ¿el SEAT León tiene garantía? (reintento)";
        assistant.failOnce.add(text);
        contactWrites(waId, text);

        await().atMost(Duration.ofSeconds(30)).until(() -> graphSendsTo(waId), r -> r.size() == 1);
        assertThat(assistant.replies.get(text).get()).isEqualTo(2); // 503 first, then the reply
        await().atMost(Duration.ofSeconds(10)).until(() -> autoMessages(waId), a -> a.size() == 1);
    }

    @Test
    void noReplyWhileAnAgentIsTalkingToTheCustomer() {
        String waId = "34615" + tenant.substring(3) + "4";
        AutoReplyJob first = inbound(waId, "Hola, ¿tenéis el Corolla híbrido?", clock.instant());
        Http.Response agent = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/whatsapp/messages"))
                .header("X-Api-Key", apiKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"+" + waId + "\",\"type\":\"text\",\"text\":"
                        + "{\"body\":\"Hola, soy Marta, del concesionario. Ahora le cuento.\"}}")));
        assertThat(agent.status()).as(agent.body()).isEqualTo(202);
        assertThat(conversation(waId).field("lastAgentReplyAt")).isNotNull();

        autoReplies.handle(first);

        assertThat(job(first).field("reason")).isEqualTo("human-active");
        assertThat(autoMessages(waId)).isEmpty();
        assertThat(count("skipped-human-active")).isEqualTo(1.0);
    }

    // ---- the rules, on jobs handled directly

    @Test
    void noReplyOutsideTheServiceWindow() {
        String waId = "34616" + tenant.substring(3) + "5";
        AutoReplyJob job = inbound(waId, GREETING, clock.instant().minus(Duration.ofHours(25)));

        autoReplies.handle(job);

        assertThat(job(job).field("reason")).isEqualTo("outside-window");
        assertThat(autoMessages(waId)).isEmpty();
        assertThat(graphSendsTo(waId)).isEmpty();
        assertThat(count("skipped-outside-window")).isEqualTo(1.0);
    }

    @Test
    void noReplyToAContactWhoOptedOut() {
        String waId = "34617" + tenant.substring(3) + "6";
        AutoReplyJob job = inbound(waId, GREETING, clock.instant());
        store.merge(ConversationSink.conversationPath(tenant, "whatsapp", waId), Map.of("optedOut", true));

        autoReplies.handle(job);

        assertThat(job(job).field("reason")).isEqualTo("opted-out");
        assertThat(autoMessages(waId)).isEmpty();
        assertThat(count("skipped-opted-out")).isEqualTo(1.0);
    }

    @Test
    void atMostNRepliesPerConversationAnHour() {
        settings.save(tenant, settings(List.of("whatsapp"), 2));
        String waId = "34618" + tenant.substring(3) + "7";
        List<String> texts = List.of("Hola, ¿sigue disponible el SEAT León?", "¿Y qué kilómetros tiene el León?",
                "¿Se puede financiar el León?");
        for (String text : texts) {
            autoReplies.handle(inbound(waId, text, clock.instant()));
        }

        assertThat(autoMessages(waId)).hasSize(2);
        assertThat(count("sent")).isEqualTo(2.0);
        assertThat(count("skipped-rate-limit")).isEqualTo(1.0);
        await().atMost(Duration.ofSeconds(30)).until(() -> graphSendsTo(waId), r -> r.size() == 2);
    }

    @Test
    void twoJobsAtOnceCannotBothTakeTheLastReplyOfTheHour() throws Exception {
        settings.save(tenant, settings(List.of("whatsapp"), 1));
        String waId = "34626" + tenant.substring(3) + "6";
        AutoReplyJob one = inbound(waId, "¿El León es diésel?", clock.instant());
        AutoReplyJob two = inbound(waId, "¿Y cuántas plazas tiene el León?", clock.instant());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Object>> done = List.of(one, two).stream().map(job -> pool.submit(() -> {
                start.await();
                autoReplies.handle(job);
                return null;
            })).toList();
            start.countDown();
            for (java.util.concurrent.Future<Object> f : done) {
                f.get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(autoMessages(waId)).hasSize(1);
        assertThat(count("sent")).isEqualTo(1.0);
        assertThat(count("skipped-rate-limit")).isEqualTo(1.0);
    }

    @Test
    void aRedeliveredJobDoesNotReplyTwice() {
        String waId = "34619" + tenant.substring(3) + "8";
        String text = "¿El SEAT León es automático?";
        AutoReplyJob job = inbound(waId, text, clock.instant());

        autoReplies.handle(job);
        autoReplies.handle(job);

        assertThat(autoMessages(waId)).hasSize(1);
        assertThat(assistant.replies.get(text).get()).isEqualTo(1);
        assertThat(job(job).field("stage")).isEqualTo("replied");
        await().atMost(Duration.ofSeconds(30)).until(() -> graphSendsTo(waId), r -> r.size() == 1);
    }

    @Test
    void aJobThatCrashedAfterItsReplyWasQueuedSendsNothingMoreOnRedelivery() {
        String waId = "34619" + tenant.substring(3) + "9";
        String text = "¿El Corolla es híbrido?";
        AutoReplyJob job = inbound(waId, text, clock.instant());
        autoReplies.handle(job);
        await().atMost(Duration.ofSeconds(30)).until(() -> graphSendsTo(waId), r -> r.size() == 1);
        // as if the consumer died after the outbox accepted the reply, before the job was marked done
        store.merge(AutoReplies.jobPath(job), Map.of("stage", "drafted", "draft", REPLY));
        // and an agent wrote since: the rules were passed when the reply was drafted, it is not taken back
        store.merge(ConversationSink.conversationPath(tenant, "whatsapp", waId),
                Map.of("lastAgentReplyAt", clock.instant().toString()));

        autoReplies.handle(job);

        assertThat(assistant.replies.get(text).get()).as("no second draft").isEqualTo(1);
        assertThat(job(job).field("stage")).isEqualTo("replied");
        assertThat(store.query("tenants/" + tenant + "/messages",
                dev.pasarela.store.Query.all().whereEqualTo("origin", "auto-reply")).stream()
                .filter(d -> waId.equals(String.valueOf(d.field("to")).replace("+", "")))).hasSize(1);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> graphSendsTo(waId), r -> r.size() == 1);
    }

    @Test
    void noAiInThePlanOrNoTokensLeftSkipsQuietly() {
        String waId = "34627" + tenant.substring(3) + "7";
        AutoReplyJob noPlan = inbound(waId, "Hola, os escribo desde el plan básico", clock.instant());
        AutoReplyJob noTokens = inbound(waId, "Hola, ¿seguís ahí? (sin tokens)", clock.instant());

        autoReplies.handle(noPlan);
        autoReplies.handle(noTokens);

        assertThat(job(noPlan).field("reason")).isEqualTo("no-ai");
        assertThat(job(noTokens).field("reason")).isEqualTo("no-ai");
        assertThat(count("skipped-no-ai")).isEqualTo(2.0);
        assertThat(autoMessages(waId)).isEmpty();
        assertThat(conversation(waId).field("handoffAt")).isNull();
    }

    @Test
    void aFlaggedMessageGoesToAPerson() {
        assertHandoff("34620" + tenant.substring(3) + "9", "Sois unos idiotas, me habéis timado", "flagged");
    }

    @Test
    void aCustomerAskingForAPersonGetsOne() {
        assertHandoff("34621" + tenant.substring(3) + "1", "Quiero hablar con una persona, por favor", "asked-for-human");
    }

    @Test
    void anUnsureClassificationGoesToAPerson() {
        assertHandoff("34622" + tenant.substring(3) + "2", "mmm vale", "unsure");
    }

    @Test
    void aDraftTheModelWillNotStandBehindGoesToAPerson() {
        assertHandoff("34623" + tenant.substring(3) + "3", "¿Me hacéis un descuento especial en el León?", "model-handoff");
    }

    @Test
    void afterAHandoffTheConversationIsLeftToThePersonForTheHumanPause() {
        String waId = "34624" + tenant.substring(3) + "4";
        autoReplies.handle(inbound(waId, "Quiero hablar con una persona", clock.instant()));
        AutoReplyJob next = inbound(waId, GREETING, clock.instant());

        autoReplies.handle(next);

        assertThat(job(next).field("reason")).isEqualTo("handed-off");
        assertThat(autoMessages(waId)).isEmpty();
    }

    @Test
    void aChannelWithoutAutoRepliesIsOnlyAnalysed() {
        settings.save(tenant, settings(List.of("messenger"), 3));
        String waId = "34625" + tenant.substring(3) + "5";
        AutoReplyJob job = inbound(waId, GREETING, clock.instant());

        autoReplies.handle(job);

        assertThat(job(job).field("stage")).isEqualTo("analyzed");
        assertThat(conversation(waId).field("lastClassification.intent")).isEqualTo("compra");
        assertThat(autoMessages(waId)).isEmpty();
    }

    void assertHandoff(String waId, String text, String reason) {
        AutoReplyJob job = inbound(waId, text, clock.instant());

        autoReplies.handle(job);

        assertThat(autoMessages(waId)).isEmpty();
        assertThat(conversation(waId).field("handoffAt")).isNotNull();
        assertThat(conversation(waId).field("handoffReason")).isEqualTo(reason);
        assertThat(count("handoff")).isEqualTo(1.0);
        List<LoggedRequest> posted = await().atMost(Duration.ofSeconds(30))
                .until(() -> callbacks("conversation.handoff"), r -> !r.isEmpty());
        JsonNode event = json(posted.get(0).getBodyAsString());
        assertThat(event.path("reason").asText()).isEqualTo(reason);
        assertThat(event.path("contact").asText()).isEqualTo(waId);
        assertThat(event.path("messageId").asText()).isEqualTo(job.messageId());
        assertThat(event.path("eventId").asText()).isEqualTo(job.eventKey() + ":handoff");
    }

    // ---- helpers

    /** What ConversationSink writes for a text the contact sent at {@code at}: the job for it. */
    AutoReplyJob inbound(String waId, String text, Instant at) {
        String id = "wamid.test" + UUID.randomUUID().toString().replace("-", "");
        String conversation = ConversationSink.conversationPath(tenant, "whatsapp", waId);
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", id);
        message.put("direction", "inbound");
        message.put("channel", "whatsapp");
        message.put("from", waId);
        message.put("kind", "text");
        message.put("content", Map.of("text", text));
        message.put("sentAt", at.toString());
        message.put("receivedAt", clock.instant().toString());
        store.set(conversation + "/messages/" + id, message);
        store.merge(conversation, Map.of("channel", "whatsapp", "contactId", waId, "lastInboundAt", at.toString()));
        return new AutoReplyJob(tenant, "whatsapp", waId, id, "meta:" + id);
    }

    /** The contact writes to the tenant's number now: a signed webhook, as Meta sends it; its wamid. */
    String contactWrites(String waId, String text) {
        String wamid = "wamid.in" + UUID.randomUUID().toString().replace("-", "");
        byte[] body = dev.pasarela.support.MetaFixtures.whatsAppText(waba, phone, waId, wamid, text);
        Http.Response r = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/webhooks/meta"))
                .header("X-Hub-Signature-256", sign(body)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return wamid;
    }

    static String sign(byte[] body) {
        return dev.pasarela.support.MetaFixtures.sign(body);
    }

    List<LoggedRequest> graphSendsTo(String waId) {
        return STANDIN.findAll(postRequestedFor(urlEqualTo("/v25.0/" + phone + "/messages"))
                .withRequestBody(containing(waId + "\"")).withRequestBody(containing(REPLY)));
    }

    List<LoggedRequest> callbacks(String type) {
        return STANDIN.findAll(postRequestedFor(urlEqualTo("/crm/" + tenant)).withHeader("X-Pasarela-Event", equalTo(type)));
    }

    List<Document> autoMessages(String waId) {
        return store.query(ConversationSink.conversationPath(tenant, "whatsapp", waId) + "/messages",
                Query.all().whereEqualTo("auto", true));
    }

    Document conversation(String waId) {
        return store.get(ConversationSink.conversationPath(tenant, "whatsapp", waId)).orElseThrow();
    }

    Document job(AutoReplyJob job) {
        return store.get(AutoReplies.jobPath(job)).orElseThrow();
    }

    double count(String outcome) {
        Counter c = meters.find(AutoReplies.METRIC).tags("tenant", tenant, "channel", "whatsapp", "outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    JsonNode json(String body) {
        try {
            return json.readTree(body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
