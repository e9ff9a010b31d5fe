package dev.pasarela.integrations.ai;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.pasarela.support.AiStandIns.CUSTOMER_TEXT;
import static dev.pasarela.support.AiStandIns.OPENAI_CHAT;
import static dev.pasarela.support.AiStandIns.OPENAI_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.openai.errors.OpenAIIoException;
import dev.pasarela.integrations.ai.AiProviderException.Failure;
import dev.pasarela.support.AiStandIns;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenAiChatTest {

    static final WireMockServer OPENAI = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    static final ObjectMapper JSON = new ObjectMapper();
    static final ChatCall.StructuredOutput CLASSIFICATION = new ChatCall.StructuredOutput("clasificacion", Map.of(
            "type", "object",
            "properties", Map.of("intent", Map.of("type", "string", "enum", List.of("compra", "cita", "otro")),
                    "confidence", Map.of("type", "number")),
            "required", List.of("intent", "confidence"),
            "additionalProperties", false));

    static AiClients clients;
    OpenAiChat chat;

    @BeforeAll
    static void start() {
        OPENAI.start();
        clients = new AiClients(AiStandIns.properties(OPENAI));
    }

    @AfterAll
    static void stop() {
        clients.destroy();
        OPENAI.stop();
    }

    @BeforeEach
    void reset() {
        OPENAI.resetAll();
        chat = new OpenAiChat(clients, new OpenAiFailures(CLOCK));
    }

    static ChatCall call(ChatCall.StructuredOutput output) {
        return new ChatCall("Eres el asistente de Autos Centro, un concesionario de Madrid. Responde en español.",
                List.of(ChatCall.Turn.user("Buenas tardes"), ChatCall.Turn.assistant("¡Hola! ¿En qué puedo ayudarte?"),
                        ChatCall.Turn.user(CUSTOMER_TEXT)),
                output, "gpt-4o-mini", 0.3, 300, Duration.ofSeconds(5));
    }

    JsonNode onlyRequest() throws Exception {
        List<LoggedRequest> requests = OPENAI.findAll(postRequestedFor(urlPathEqualTo(OPENAI_CHAT)));
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).getHeader("Authorization")).isEqualTo("Bearer " + OPENAI_KEY);
        return JSON.readTree(requests.get(0).getBodyAsString());
    }

    @Test
    void sendsTheConversationAndReadsTheAnswer() throws Exception {
        AiStandIns.openAiChatText(OPENAI, "¡Hola Lucía! Sí, sigue disponible. ¿Te viene bien el sábado?");

        ChatResult result = chat.chat(OPENAI_KEY, call(null));

        assertThat(result).isEqualTo(new ChatResult("openai", "gpt-4o-mini-2024-07-18",
                "¡Hola Lucía! Sí, sigue disponible. ¿Te viene bien el sábado?", new TokenUsage(87, 31), false, false));
        JsonNode body = onlyRequest();
        assertThat(body.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(body.get("temperature").asDouble()).isEqualTo(0.3);
        assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(300);
        assertThat(body.has("max_tokens")).isFalse();
        assertThat(body.has("response_format")).isFalse();
        assertThat(body.get("messages")).hasSize(4);
        assertThat(body.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(body.at("/messages/0/content").asText()).startsWith("Eres el asistente de Autos Centro");
        assertThat(body.at("/messages/1/role").asText()).isEqualTo("user");
        assertThat(body.at("/messages/2/role").asText()).isEqualTo("assistant");
        assertThat(body.at("/messages/2/content").asText()).isEqualTo("¡Hola! ¿En qué puedo ayudarte?");
        assertThat(body.at("/messages/3/content").asText()).isEqualTo(CUSTOMER_TEXT);
    }

    @Test
    void asksForAStrictJsonSchemaAndReturnsTheJsonContent() throws Exception {
        AiStandIns.openAiChatJson(OPENAI, "gpt-4o-mini", "{\"intent\":\"cita\",\"confidence\":0.92}");

        ChatResult result = chat.chat(OPENAI_KEY, call(CLASSIFICATION));

        assertThat(result.text()).isEqualTo("{\"intent\":\"cita\",\"confidence\":0.92}");
        JsonNode format = onlyRequest().get("response_format");
        assertThat(format.get("type").asText()).isEqualTo("json_schema");
        assertThat(format.at("/json_schema/name").asText()).isEqualTo("clasificacion");
        assertThat(format.at("/json_schema/strict").asBoolean()).isTrue();
        assertThat(JSON.convertValue(format.at("/json_schema/schema"), Map.class)).isEqualTo(CLASSIFICATION.schema());
    }

    @Test
    void aLengthFinishIsTruncated() {
        OPENAI.stubFor(post(urlPathEqualTo(OPENAI_CHAT))
                .willReturn(AiStandIns.openAiChatAnswer("{\"intent\":\"ci", "length")));

        ChatResult result = chat.chat(OPENAI_KEY, call(CLASSIFICATION));

        assertThat(result.truncated()).isTrue();
        assertThat(result.refused()).isFalse();
    }

    @Test
    void aRefusalOrAContentFilterIsRefused() {
        AiStandIns.sequence(OPENAI, OPENAI_CHAT, AiStandIns.openAiRefusalAnswer(),
                AiStandIns.openAiChatAnswer("", "content_filter"));

        ChatResult refusal = chat.chat(OPENAI_KEY, call(CLASSIFICATION));
        ChatResult filtered = chat.chat(OPENAI_KEY, call(CLASSIFICATION));

        assertThat(refusal.refused()).isTrue();
        assertThat(refusal.text()).isNull();
        assertThat(filtered.refused()).isTrue();
        assertThat(filtered.truncated()).isFalse();
    }

    AiProviderException failure() {
        AiProviderException e = catchThrowableOfType(AiProviderException.class, () -> chat.chat(OPENAI_KEY, call(null)));
        assertThat(e).isNotNull();
        assertThat(e.provider()).isEqualTo("openai");
        assertThat(AiStandIns.everythingSaidBy(e)).doesNotContain(OPENAI_KEY).doesNotContain("0123456789abcdef")
                .doesNotContain("Seat León").doesNotContain("Lucía");
        return e;
    }

    @Test
    void aWrongKeyIsUnauthorized() {
        AiStandIns.openAiError(OPENAI, OPENAI_CHAT, 401, "error.401.invalid_api_key.json");

        AiProviderException e = failure();

        assertThat(e.failure()).isEqualTo(Failure.UNAUTHORIZED);
        assertThat(e.status()).isEqualTo(401);
        assertThat(e.errorType()).isEqualTo("invalid_api_key");
        assertThat(e.retryAfter()).isNull();
        assertThat(e.getMessage()).isEqualTo("openai answered 401 invalid_api_key");
    }

    @Test
    void aBadRequestIsRejectedWithoutEchoingTheInput() {
        AiStandIns.openAiError(OPENAI, OPENAI_CHAT, 400, "error.400.invalid_request_error.json");

        AiProviderException e = failure();

        assertThat(e.failure()).isEqualTo(Failure.REJECTED);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.errorType()).isEqualTo("invalid_request_error");
        assertThat(e.getCause()).isNull();
    }

    @Test
    void aRateLimitIsRateLimitedAfterRetryAfterAndNotRetriedByTheSdk() {
        OPENAI.stubFor(post(urlPathEqualTo(OPENAI_CHAT))
                .willReturn(AiStandIns.openAiRateLimitedAnswer()));

        AiProviderException e = failure();

        assertThat(e.failure()).isEqualTo(Failure.RATE_LIMITED);
        assertThat(e.failure().retryable()).isTrue();
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.errorType()).isEqualTo("rate_limit_exceeded");
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(2));
        OPENAI.verify(1, postRequestedFor(urlPathEqualTo(OPENAI_CHAT)));
    }

    @Test
    void withoutRetryAfterTheWaitIsTheLongerResetOfTheUsedUpLimits() {
        AiStandIns.openAiError(OPENAI, OPENAI_CHAT, 429, "error.429.rate_limit_exceeded.json",
                AiStandIns.openAiRateLimitHeaders(false));

        assertThat(failure().retryAfter()).isEqualTo(Duration.ofMinutes(6));
    }

    @Test
    void anExhaustedQuotaIsBillingAndNotRetryable() {
        AiStandIns.openAiError(OPENAI, OPENAI_CHAT, 429, "error.429.insufficient_quota.json");

        AiProviderException e = failure();

        assertThat(e.failure()).isEqualTo(Failure.BILLING);
        assertThat(e.failure().retryable()).isFalse();
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.errorType()).isEqualTo("insufficient_quota");
        OPENAI.verify(1, postRequestedFor(urlPathEqualTo(OPENAI_CHAT)));
    }

    @Test
    void serverErrorsAreUnavailableAndNotRetriedByTheSdk() {
        AiStandIns.openAiError(OPENAI, OPENAI_CHAT, 500, "error.500.server_error.json");
        AiProviderException e500 = failure();
        OPENAI.verify(1, postRequestedFor(urlPathEqualTo(OPENAI_CHAT)));

        OPENAI.resetAll();
        AiStandIns.openAiError(OPENAI, OPENAI_CHAT, 503, "error.503.overloaded.json", "retry-after-ms", "750");
        AiProviderException e503 = failure();
        OPENAI.verify(1, postRequestedFor(urlPathEqualTo(OPENAI_CHAT)));

        assertThat(e500.failure()).isEqualTo(Failure.UNAVAILABLE);
        assertThat(e500.status()).isEqualTo(500);
        assertThat(e500.errorType()).isEqualTo("server_error");
        assertThat(e503.failure()).isEqualTo(Failure.UNAVAILABLE);
        assertThat(e503.status()).isEqualTo(503);
        assertThat(e503.retryAfter()).isEqualTo(Duration.ofMillis(750));
    }

    @Test
    void aSequenceAnswersA429ThenTheCompletion() {
        AiStandIns.sequence(OPENAI, OPENAI_CHAT, AiStandIns.openAiRateLimitedAnswer(),
                AiStandIns.openAiChatAnswer("Hola de nuevo", "stop"));

        assertThat(failure().failure()).isEqualTo(Failure.RATE_LIMITED);
        assertThat(chat.chat(OPENAI_KEY, call(null)).text()).isEqualTo("Hola de nuevo");
    }

    @Test
    void aSlowAnswerIsATimeoutAfterTheCallsTimeout() {
        AiStandIns.openAiChatDelayed(OPENAI, Duration.ofSeconds(3));
        ChatCall quick = new ChatCall(null, List.of(ChatCall.Turn.user(CUSTOMER_TEXT)), null, "gpt-4o-mini", 0, 50,
                Duration.ofMillis(300));

        // the stand-in answers after 3 s: a timeout is the call cut before that answer, by the call's own 300 ms
        AiProviderException e = catchThrowableOfType(AiProviderException.class, () -> chat.chat(OPENAI_KEY, quick));

        assertThat(e.failure()).isEqualTo(Failure.TIMEOUT);
        assertThat(e.status()).isZero();
        assertThat(e.getMessage()).isEqualTo("openai timeout");
        // what openai-java throws: its IO exception around OkHttp's (call or read) timeout
        assertThat(e.getCause()).isInstanceOf(OpenAIIoException.class).hasCauseInstanceOf(InterruptedIOException.class);
        assertThat(AiStandIns.everythingSaidBy(e)).doesNotContain(OPENAI_KEY).doesNotContain("Seat León");
        OPENAI.verify(1, postRequestedFor(urlPathEqualTo(OPENAI_CHAT)));
    }

    @Test
    void noConnectionIsUnavailable() {
        WireMockServer gone = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        gone.start();
        AiClients toNowhere = new AiClients(AiStandIns.properties(gone));
        gone.stop();
        try {
            AiProviderException e = catchThrowableOfType(AiProviderException.class,
                    () -> new OpenAiChat(toNowhere, new OpenAiFailures(CLOCK)).chat(OPENAI_KEY, call(null)));

            assertThat(e.failure()).isEqualTo(Failure.UNAVAILABLE);
            assertThat(e.status()).isZero();
            assertThat(AiStandIns.everythingSaidBy(e)).doesNotContain(OPENAI_KEY).doesNotContain("Seat León");
        } finally {
            toNowhere.destroy();
        }
    }
}
