package dev.pasarela.integrations.ai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.pasarela.support.AiStandIns.ANTHROPIC_KEY;
import static dev.pasarela.support.AiStandIns.ANTHROPIC_MESSAGES;
import static dev.pasarela.support.AiStandIns.CUSTOMER_TEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.anthropic.errors.AnthropicIoException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.pasarela.integrations.ai.AiProviderException.Failure;
import dev.pasarela.support.AiStandIns;
import dev.pasarela.support.BootObjectMapper;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicChatTest {

    static final WireMockServer ANTHROPIC = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final ObjectMapper JSON = new ObjectMapper();
    static final ChatCall.StructuredOutput CLASSIFICATION = new ChatCall.StructuredOutput("clasificacion", Map.of(
            "type", "object",
            "properties", Map.of("intent", Map.of("type", "string", "enum", List.of("compra", "cita", "otro")),
                    "urgency", Map.of("type", "string"),
                    "vehicle", Map.of("type", List.of("string", "null")),
                    "confidence", Map.of("type", "number"),
                    "wantsHuman", Map.of("type", "boolean")),
            "required", List.of("intent", "urgency", "vehicle", "confidence", "wantsHuman"),
            "additionalProperties", false));

    static AiClients clients;
    AnthropicChat chat;

    @BeforeAll
    static void start() {
        ANTHROPIC.start();
        clients = new AiClients(AiStandIns.properties(ANTHROPIC));
    }

    @AfterAll
    static void stop() {
        clients.destroy();
        ANTHROPIC.stop();
    }

    @BeforeEach
    void reset() {
        ANTHROPIC.resetAll();
        chat = new AnthropicChat(clients, new AnthropicFailures(CLOCK), BootObjectMapper.create());
    }

    static ChatCall call(ChatCall.StructuredOutput output) {
        return new ChatCall("Eres el asistente de Autos Centro, un concesionario de Madrid. Responde en español.",
                List.of(ChatCall.Turn.user("Buenas tardes"), ChatCall.Turn.assistant("¡Hola! ¿En qué puedo ayudarte?"),
                        ChatCall.Turn.user(CUSTOMER_TEXT)),
                output, "claude-3-5-haiku-latest", 0.2, 400, Duration.ofSeconds(5));
    }

    /** The one request the stand-in got, with the key and the pinned API version. */
    JsonNode onlyRequest() throws Exception {
        List<LoggedRequest> requests = ANTHROPIC.findAll(postRequestedFor(urlPathEqualTo(ANTHROPIC_MESSAGES)));
        assertThat(requests).hasSize(1);
        LoggedRequest request = requests.get(0);
        assertThat(request.getHeader("x-api-key")).isEqualTo(ANTHROPIC_KEY);
        // anthropic-java 3.14.0 alone would send 2026-10-21; one value, ours
        assertThat(request.getHeaders().getHeader("anthropic-version").values()).containsExactly("2023-06-01");
        assertThat(request.containsHeader("Authorization")).isFalse();
        return JSON.readTree(request.getBodyAsString());
    }

    @Test
    void sendsSystemTopLevelAndConcatenatesTheTextBlocks() throws Exception {
        ANTHROPIC.stubFor(post(urlPathEqualTo(ANTHROPIC_MESSAGES))
                .willReturn(AiStandIns.anthropicTextAnswer(null, "end_turn")));

        ChatResult result = chat.chat(ANTHROPIC_KEY, call(null));

        assertThat(result).isEqualTo(new ChatResult("anthropic", "claude-3-5-haiku-20241022",
                "¡Hola Lucía! Sí, el Seat León de 2019 sigue disponible. ¿Te viene bien pasar el sábado por la mañana para verlo?",
                new TokenUsage(92, 34), false, false));
        JsonNode body = onlyRequest();
        assertThat(body.get("model").asText()).isEqualTo("claude-3-5-haiku-latest");
        assertThat(body.get("max_tokens").asInt()).isEqualTo(400);
        assertThat(body.get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(body.get("system").asText()).startsWith("Eres el asistente de Autos Centro");
        assertThat(body.get("messages")).hasSize(3);
        assertThat(body.at("/messages/0/role").asText()).isEqualTo("user");
        assertThat(body.at("/messages/1/role").asText()).isEqualTo("assistant");
        assertThat(body.at("/messages/2/role").asText()).isEqualTo("user");
        assertThat(body.at("/messages/2/content").asText()).isEqualTo(CUSTOMER_TEXT);
        assertThat(body.has("tools")).isFalse();
        assertThat(body.has("tool_choice")).isFalse();
    }

    @Test
    void forcesOneToolWithTheSchemaAndReturnsItsInputAsJson() throws Exception {
        AiStandIns.anthropicToolUse(ANTHROPIC, "clasificacion",
                "{\"intent\":\"cita\",\"urgency\":\"media\",\"vehicle\":\"Seat León 2019\",\"confidence\":0.91,\"wantsHuman\":false}");

        ChatResult result = chat.chat(ANTHROPIC_KEY, call(CLASSIFICATION));

        assertThat(JSON.readTree(result.text())).isEqualTo(JSON.readTree(
                "{\"intent\":\"cita\",\"urgency\":\"media\",\"vehicle\":\"Seat León 2019\",\"confidence\":0.91,\"wantsHuman\":false}"));
        assertThat(result.usage()).isEqualTo(new TokenUsage(412, 58));
        assertThat(result.truncated()).isFalse();
        assertThat(result.refused()).isFalse();
        JsonNode body = onlyRequest();
        assertThat(body.get("tools")).hasSize(1);
        assertThat(body.at("/tools/0/name").asText()).isEqualTo("clasificacion");
        assertThat(JSON.convertValue(body.at("/tools/0/input_schema"), Map.class)).isEqualTo(CLASSIFICATION.schema());
        assertThat(body.at("/tool_choice/type").asText()).isEqualTo("tool");
        assertThat(body.at("/tool_choice/name").asText()).isEqualTo("clasificacion");
    }

    @Test
    void maxTokensIsTruncatedAndRefusalIsRefused() {
        AiStandIns.sequence(ANTHROPIC, ANTHROPIC_MESSAGES,
                AiStandIns.anthropicTextAnswer("El Seat León de 2019 tiene 45.000 km y", "max_tokens"),
                AiStandIns.anthropicTextAnswer("", "refusal"));

        ChatResult truncated = chat.chat(ANTHROPIC_KEY, call(null));
        ChatResult refused = chat.chat(ANTHROPIC_KEY, call(null));

        assertThat(truncated.truncated()).isTrue();
        assertThat(truncated.refused()).isFalse();
        assertThat(truncated.text()).isEqualTo("El Seat León de 2019 tiene 45.000 km y");
        assertThat(refused.refused()).isTrue();
        assertThat(refused.truncated()).isFalse();
    }

    AiProviderException failure() {
        AiProviderException e = catchThrowableOfType(AiProviderException.class, () -> chat.chat(ANTHROPIC_KEY, call(null)));
        assertThat(e).isNotNull();
        assertThat(e.provider()).isEqualTo("anthropic");
        assertThat(e.getCause()).isNull();
        assertThat(AiStandIns.everythingSaidBy(e)).doesNotContain(ANTHROPIC_KEY).doesNotContain("fedcba9876543210")
                .doesNotContain("Seat León").doesNotContain("Lucía");
        // exactly one request: the SDK's own retry (429, 5xx, 529) is off
        ANTHROPIC.verify(1, postRequestedFor(urlPathEqualTo(ANTHROPIC_MESSAGES)));
        return e;
    }

    @ParameterizedTest
    @CsvSource({
            "400, error.400.invalid_request_error.json, REJECTED,     invalid_request_error",
            "401, error.401.authentication_error.json,  UNAUTHORIZED, authentication_error",
            "402, error.402.billing_error.json,         BILLING,      billing_error",
            "403, error.403.permission_error.json,      UNAUTHORIZED, permission_error",
            "404, error.404.not_found_error.json,       REJECTED,     not_found_error",
            "413, error.413.request_too_large.json,     REJECTED,     request_too_large",
            "429, error.429.spend_limit.json,           BILLING,      enforced_spend_limit_reached",
            "500, error.500.api_error.json,             UNAVAILABLE,  api_error",
            "504, error.504.timeout_error.json,         UNAVAILABLE,  timeout_error",
            "529, error.529.overloaded_error.json,      UNAVAILABLE,  overloaded_error"})
    void errorsAreClassified(int status, String file, Failure expected, String errorType) {
        AiStandIns.anthropicError(ANTHROPIC, status, file);

        AiProviderException e = failure();

        assertThat(e.failure()).isEqualTo(expected);
        assertThat(e.status()).isEqualTo(status);
        assertThat(e.errorType()).isEqualTo(errorType);
        assertThat(e.retryAfter()).isNull();
        assertThat(e.getMessage()).isEqualTo("anthropic answered " + status + " " + errorType);
    }

    @Test
    void anErrorTypeThatIsNoIdentifierStaysOutOfTheMessage() {
        ANTHROPIC.stubFor(post(urlPathEqualTo(ANTHROPIC_MESSAGES)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"type\":\"error\",\"error\":{\"type\":\"" + CUSTOMER_TEXT + "\",\"message\":\"x\"}}")));

        AiProviderException e = failure();

        assertThat(e.failure()).isEqualTo(Failure.REJECTED);
        assertThat(e.errorType()).isNull();
        assertThat(e.getMessage()).isEqualTo("anthropic answered 400");
    }

    @Test
    void aRateLimitIsRateLimitedAfterRetryAfter() {
        ANTHROPIC.stubFor(post(urlPathEqualTo(ANTHROPIC_MESSAGES))
                .willReturn(AiStandIns.anthropicRateLimitedAnswer(NOW.plusSeconds(40))));

        AiProviderException e = failure();

        assertThat(e.failure()).isEqualTo(Failure.RATE_LIMITED);
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.errorType()).isEqualTo("rate_limit_error");
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(12));
    }

    @Test
    void withoutRetryAfterTheWaitIsTheLatestResetOfAUsedUpLimit() {
        AiStandIns.anthropicError(ANTHROPIC, 429, "error.429.rate_limit_error.json",
                AiStandIns.anthropicRateLimitHeaders(NOW.plusSeconds(40)));

        assertThat(failure().retryAfter()).isEqualTo(Duration.ofSeconds(40));
    }

    @Test
    void anOverloadCarriesItsRetryAfter() {
        AiStandIns.anthropicError(ANTHROPIC, 529, "error.529.overloaded_error.json", "retry-after", "5");

        AiProviderException e = failure();

        assertThat(e.failure()).isEqualTo(Failure.UNAVAILABLE);
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aSlowAnswerIsATimeoutAfterTheCallsTimeout() {
        AiStandIns.anthropicDelayed(ANTHROPIC, Duration.ofSeconds(3));
        ChatCall quick = new ChatCall(null, List.of(ChatCall.Turn.user(CUSTOMER_TEXT)), null, "claude-3-5-haiku-latest",
                0, 50, Duration.ofMillis(300));

        // the stand-in answers after 3 s: a timeout is the call cut before that answer, by the call's own 300 ms
        AiProviderException e = catchThrowableOfType(AiProviderException.class, () -> chat.chat(ANTHROPIC_KEY, quick));

        assertThat(e.failure()).isEqualTo(Failure.TIMEOUT);
        assertThat(e.status()).isZero();
        assertThat(e.getMessage()).isEqualTo("anthropic timeout");
        assertThat(e.getCause()).isInstanceOf(AnthropicIoException.class).hasCauseInstanceOf(InterruptedIOException.class);
        assertThat(AiStandIns.everythingSaidBy(e)).doesNotContain(ANTHROPIC_KEY).doesNotContain("Seat León");
        ANTHROPIC.verify(1, postRequestedFor(urlPathEqualTo(ANTHROPIC_MESSAGES)));
    }
}
