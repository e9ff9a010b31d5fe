package dev.pasarela.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.pasarela.integrations.ai.AiProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/**
 * OpenAI and Anthropic as their docs show them, on a WireMock server: answers are the JSON files
 * under {@code src/test/resources/openai/} and {@code anthropic/}, changed where a test says so
 * (the chat content, the forced tool's input). Each {@code xxx(server, …)} stubs a path; each
 * {@code xxxAnswer(…)} is the answer alone, for {@link #sequence} (first a 429, then a 200).
 *
 * <pre>{@code
 * WireMockServer ai = new WireMockServer(options().dynamicPort()); ai.start();
 * AiProperties props = AiStandIns.properties(ai);          // both base URLs point at it
 * AiStandIns.openAiChatJson(ai, "{\"intent\":\"cita\"}");
 * AiStandIns.anthropicToolUse(ai, "clasificacion", "{\"intent\":\"cita\"}");
 * AiStandIns.sequence(ai, AiStandIns.OPENAI_CHAT,
 *         AiStandIns.openAiRateLimitedAnswer(), AiStandIns.openAiChatAnswer("Hola", "stop"));
 * }</pre>
 */
public final class AiStandIns {

    /** Keys the stand-ins are called with; the 401 body echoes the OpenAI one, as OpenAI does. */
    public static final String OPENAI_KEY = "sk-test-pasarela-0123456789abcdef";
    public static final String ANTHROPIC_KEY = "sk-ant-api03-test-pasarela-fedcba9876543210";
    /** A customer's message; the 400 bodies echo it, as the providers' validation messages can. */
    public static final String CUSTOMER_TEXT = "Hola, ¿el Seat León de 2019 sigue disponible? Me llamo Lucía Fernández";

    public static final String OPENAI_CHAT = "/v1/chat/completions";
    public static final String OPENAI_EMBEDDINGS = "/v1/embeddings";
    public static final String OPENAI_MODERATIONS = "/v1/moderations";
    public static final String ANTHROPIC_MESSAGES = "/v1/messages";

    /** The tool name of {@code anthropic/message.tool_use.json}. */
    public static final String DEFAULT_TOOL = "clasificacion";

    private static final ObjectMapper JSON = new ObjectMapper();

    private AiStandIns() {}

    // ---- configuration -------------------------------------------------------------------------

    /** {@code pasarela.ai} with both providers at the stand-in and a 5 s OpenAI timeout. */
    public static AiProperties properties(WireMockServer server) {
        return properties(server, Duration.ofSeconds(5));
    }

    public static AiProperties properties(WireMockServer server, Duration openAiTimeout) {
        return new AiProperties("openai", true, 8000,
                new AiProperties.OpenAi(server.baseUrl() + "/v1", "text-embedding-3-small", "omni-moderation-latest",
                        openAiTimeout),
                new AiProperties.Anthropic(server.baseUrl(), "2023-06-01"),
                Map.of(),
                new AiProperties.Retry(3, Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofSeconds(60)),
                new AiProperties.Breaker(Duration.ofSeconds(30)),
                new AiProperties.Pool(8, 32), 2);
    }

    // ---- OpenAI --------------------------------------------------------------------------------

    /** A chat completion whose {@code choices[0].message.content} is this text. */
    public static StubMapping openAiChatText(WireMockServer server, String text) {
        return stub(server, OPENAI_CHAT, openAiChatAnswer(text, "stop"));
    }

    /** A structured answer: {@code content} is the JSON a json_schema response format makes the model write. */
    public static StubMapping openAiChatJson(WireMockServer server, String jsonContent) {
        return stub(server, OPENAI_CHAT, openAiChatAnswer(jsonContent, "stop"));
    }

    /** As {@link #openAiChatJson(WireMockServer, String)}, only for requests naming this model. */
    public static StubMapping openAiChatJson(WireMockServer server, String model, String jsonContent) {
        return server.stubFor(post(urlPathEqualTo(OPENAI_CHAT))
                .withRequestBody(matchingJsonPath("$.model", equalTo(model)))
                .willReturn(openAiChatAnswer(jsonContent, "stop")));
    }

    /**
     * {@code openai/chat.completion.json} with this content and finish reason ({@code stop},
     * {@code length}, {@code content_filter}).
     */
    public static ResponseDefinitionBuilder openAiChatAnswer(String content, String finishReason) {
        ObjectNode body = read("openai/chat.completion.json");
        ObjectNode choice = (ObjectNode) body.withArray("choices").get(0);
        ((ObjectNode) choice.get("message")).put("content", content);
        choice.put("finish_reason", finishReason);
        return json(200, body.toString());
    }

    /** {@code openai/chat.completion.refusal.json}: {@code message.refusal} set, no content. */
    public static ResponseDefinitionBuilder openAiRefusalAnswer() {
        return json(200, text("openai/chat.completion.refusal.json"));
    }

    /** {@code openai/embeddings.json}: two 4-dimension vectors, listed index 1 first. */
    public static StubMapping openAiEmbeddings(WireMockServer server) {
        return stub(server, OPENAI_EMBEDDINGS, json(200, text("openai/embeddings.json")));
    }

    /** {@code openai/moderation.omni.json}: flagged for harassment, harassment/threatening and violence. */
    public static StubMapping openAiModeration(WireMockServer server) {
        return stub(server, OPENAI_MODERATIONS, json(200, text("openai/moderation.omni.json")));
    }

    /**
     * An OpenAI error answer: {@code file} under {@code openai/} ({@code error.401.invalid_api_key.json},
     * {@code error.400.invalid_request_error.json}, {@code error.429.rate_limit_exceeded.json},
     * {@code error.429.insufficient_quota.json}, {@code error.500.server_error.json},
     * {@code error.503.overloaded.json}), with headers as name, value pairs.
     */
    public static StubMapping openAiError(WireMockServer server, String path, int status, String file,
                                          String... headers) {
        return stub(server, path, openAiErrorAnswer(status, file, headers));
    }

    public static ResponseDefinitionBuilder openAiErrorAnswer(int status, String file, String... headers) {
        return withHeaders(json(status, text("openai/" + file)), headers);
    }

    /** 429 rate_limit_exceeded with {@code retry-after: 2} and the {@code x-ratelimit-*} headers of a used-up TPM. */
    public static ResponseDefinitionBuilder openAiRateLimitedAnswer() {
        return openAiErrorAnswer(429, "error.429.rate_limit_exceeded.json", openAiRateLimitHeaders(true));
    }

    /**
     * OpenAI's rate-limit headers with both limits used up: requests reset in {@code 1s}, tokens in
     * {@code 6m0s}; with {@code retry-after: 2} when asked.
     */
    public static String[] openAiRateLimitHeaders(boolean retryAfter) {
        String[] limits = {
                "x-ratelimit-limit-requests", "500", "x-ratelimit-remaining-requests", "0",
                "x-ratelimit-reset-requests", "1s",
                "x-ratelimit-limit-tokens", "200000", "x-ratelimit-remaining-tokens", "0",
                "x-ratelimit-reset-tokens", "6m0s",
                "x-request-id", "req_pasarela7f3c9a"};
        return retryAfter ? concat(limits, "retry-after", "2") : limits;
    }

    /** A chat completion that comes after this delay, for timeouts. */
    public static StubMapping openAiChatDelayed(WireMockServer server, Duration delay) {
        return stub(server, OPENAI_CHAT, openAiChatAnswer("Hola", "stop").withFixedDelay((int) delay.toMillis()));
    }

    // ---- Anthropic -----------------------------------------------------------------------------

    /** A message whose one text block is this text, {@code stop_reason: end_turn}. */
    public static StubMapping anthropicText(WireMockServer server, String text) {
        return stub(server, ANTHROPIC_MESSAGES, anthropicTextAnswer(text, "end_turn"));
    }

    /**
     * {@code anthropic/message.text.json} with one text block and this stop reason ({@code end_turn},
     * {@code max_tokens}, {@code refusal}); null text keeps the file's two blocks.
     */
    public static ResponseDefinitionBuilder anthropicTextAnswer(String text, String stopReason) {
        ObjectNode body = read("anthropic/message.text.json");
        if (text != null) {
            body.putArray("content").addObject().put("type", "text").put("text", text);
        }
        body.put("stop_reason", stopReason);
        return json(200, body.toString());
    }

    /** The forced tool {@value #DEFAULT_TOOL} answering with this input (a JSON object). */
    public static StubMapping anthropicToolUse(WireMockServer server, String inputJson) {
        return stub(server, ANTHROPIC_MESSAGES, anthropicToolUseAnswer(DEFAULT_TOOL, inputJson));
    }

    /** Only for requests forcing this tool ({@code tool_choice.name}); the answer's tool_use names it. */
    public static StubMapping anthropicToolUse(WireMockServer server, String tool, String inputJson) {
        return server.stubFor(post(urlPathEqualTo(ANTHROPIC_MESSAGES))
                .withRequestBody(matchingJsonPath("$.tool_choice.name", equalTo(tool)))
                .willReturn(anthropicToolUseAnswer(tool, inputJson)));
    }

    /** {@code anthropic/message.tool_use.json} with this tool name and input; null input keeps the file's. */
    public static ResponseDefinitionBuilder anthropicToolUseAnswer(String tool, String inputJson) {
        ObjectNode body = read("anthropic/message.tool_use.json");
        ObjectNode block = (ObjectNode) body.withArray("content").get(0);
        block.put("name", tool);
        if (inputJson != null) {
            block.set("input", parse(inputJson));
        }
        return json(200, body.toString());
    }

    /**
     * An Anthropic error answer: {@code file} under {@code anthropic/} ({@code error.400.invalid_request_error.json},
     * {@code error.401.authentication_error.json}, {@code error.402.billing_error.json},
     * {@code error.403.permission_error.json}, {@code error.404.not_found_error.json},
     * {@code error.413.request_too_large.json}, {@code error.429.rate_limit_error.json},
     * {@code error.429.spend_limit.json}, {@code error.500.api_error.json},
     * {@code error.504.timeout_error.json}, {@code error.529.overloaded_error.json}), with headers as
     * name, value pairs.
     */
    public static StubMapping anthropicError(WireMockServer server, int status, String file, String... headers) {
        return stub(server, ANTHROPIC_MESSAGES, anthropicErrorAnswer(status, file, headers));
    }

    public static ResponseDefinitionBuilder anthropicErrorAnswer(int status, String file, String... headers) {
        return withHeaders(json(status, text("anthropic/" + file)), concat(headers, "request-id", "req_011Pasarela"));
    }

    /** 429 rate_limit_error with {@code retry-after: 12} and the input-tokens limit used up until {@code reset}. */
    public static ResponseDefinitionBuilder anthropicRateLimitedAnswer(Instant reset) {
        return anthropicErrorAnswer(429, "error.429.rate_limit_error.json",
                concat(anthropicRateLimitHeaders(reset), "retry-after", "12"));
    }

    /**
     * Anthropic's rate-limit headers: input tokens used up until {@code reset}, requests and output
     * tokens left (their resets a minute later, which must not count).
     */
    public static String[] anthropicRateLimitHeaders(Instant reset) {
        String later = reset.plusSeconds(60).toString();
        return new String[] {
                "anthropic-ratelimit-requests-limit", "50", "anthropic-ratelimit-requests-remaining", "49",
                "anthropic-ratelimit-requests-reset", later,
                "anthropic-ratelimit-input-tokens-limit", "50000", "anthropic-ratelimit-input-tokens-remaining", "0",
                "anthropic-ratelimit-input-tokens-reset", reset.toString(),
                "anthropic-ratelimit-output-tokens-limit", "10000",
                "anthropic-ratelimit-output-tokens-remaining", "8000",
                "anthropic-ratelimit-output-tokens-reset", later,
                "anthropic-ratelimit-tokens-limit", "60000", "anthropic-ratelimit-tokens-remaining", "0",
                "anthropic-ratelimit-tokens-reset", reset.toString()};
    }

    /** A message that comes after this delay, for timeouts. */
    public static StubMapping anthropicDelayed(WireMockServer server, Duration delay) {
        return stub(server, ANTHROPIC_MESSAGES, anthropicTextAnswer("Hola", "end_turn")
                .withFixedDelay((int) delay.toMillis()));
    }

    // ---- both ----------------------------------------------------------------------------------

    /** These answers in turn on one path (a WireMock scenario); the last one repeats. */
    public static void sequence(WireMockServer server, String path, ResponseDefinitionBuilder... answers) {
        String scenario = "sequence " + path;
        for (int i = 0; i < answers.length; i++) {
            ScenarioMappingBuilder mapping = post(urlPathEqualTo(path)).inScenario(scenario)
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "answer " + i);
            if (i < answers.length - 1) {
                mapping = mapping.willSetStateTo("answer " + (i + 1));
            }
            server.stubFor(mapping.willReturn(answers[i]));
        }
    }

    /** Every message and toString of a failure and its causes, to check none holds a key or a customer's text. */
    public static String everythingSaidBy(Throwable failure) {
        StringBuilder said = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            said.append(t).append('\n').append(t.getMessage()).append('\n');
        }
        return said.toString();
    }

    /** A JSON resource under src/test/resources, as text. */
    public static String text(String resource) {
        try (InputStream in = AiStandIns.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static StubMapping stub(WireMockServer server, String path, ResponseDefinitionBuilder answer) {
        return server.stubFor(post(urlPathEqualTo(path)).willReturn(answer));
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    private static ResponseDefinitionBuilder withHeaders(ResponseDefinitionBuilder answer, String... headers) {
        if (headers.length % 2 != 0) {
            throw new IllegalArgumentException("headers come as name, value pairs");
        }
        for (int i = 0; i < headers.length; i += 2) {
            answer.withHeader(headers[i], headers[i + 1]);
        }
        return answer;
    }

    private static String[] concat(String[] headers, String... more) {
        String[] all = Arrays.copyOf(headers, headers.length + more.length);
        System.arraycopy(more, 0, all, headers.length, more.length);
        return all;
    }

    private static ObjectNode read(String resource) {
        return (ObjectNode) parse(text(resource));
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
