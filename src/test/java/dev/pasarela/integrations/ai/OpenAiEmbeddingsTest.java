package dev.pasarela.integrations.ai;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.pasarela.support.AiStandIns.OPENAI_EMBEDDINGS;
import static dev.pasarela.support.AiStandIns.OPENAI_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.pasarela.integrations.ai.AiProviderException.Failure;
import dev.pasarela.support.AiStandIns;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenAiEmbeddingsTest {

    static final WireMockServer OPENAI = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    static final List<String> TEXTS = List.of("Quiero pedir cita para probar el Seat León",
            "¿Cuánto me dais por mi Golf de 2012?");

    static AiClients clients;
    OpenAiEmbeddings embeddings;

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
        embeddings = new OpenAiEmbeddings(clients, new OpenAiFailures(CLOCK), AiStandIns.properties(OPENAI));
    }

    @Test
    void describesItself() {
        assertThat(embeddings.name()).isEqualTo("openai");
        assertThat(embeddings.needsKey()).isTrue();
        assertThat(embeddings.model()).isEqualTo("text-embedding-3-small");
    }

    @Test
    void asksForFloatsAndReturnsTheVectorsInInputOrder() throws Exception {
        AiStandIns.openAiEmbeddings(OPENAI);

        Embeddings result = embeddings.embed(OPENAI_KEY, TEXTS);

        assertThat(result.provider()).isEqualTo("openai");
        assertThat(result.model()).isEqualTo("text-embedding-3-small");
        assertThat(result.dimensions()).isEqualTo(4);
        // the stand-in lists index 1 first
        assertThat(result.vectors().get(0)).containsExactly(-0.0213f, 0.0388f, 0.0042f, -0.0709f);
        assertThat(result.vectors().get(1)).containsExactly(0.0132f, -0.0451f, 0.0917f, 0.0025f);
        assertThat(result.usage()).isEqualTo(new TokenUsage(19, 0));
        List<LoggedRequest> requests = OPENAI.findAll(postRequestedFor(urlPathEqualTo(OPENAI_EMBEDDINGS)));
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).getHeader("Authorization")).isEqualTo("Bearer " + OPENAI_KEY);
        JsonNode body = new ObjectMapper().readTree(requests.get(0).getBodyAsString());
        assertThat(body.get("model").asText()).isEqualTo("text-embedding-3-small");
        assertThat(body.get("encoding_format").asText()).isEqualTo("float");
        assertThat(body.get("input").get(0).asText()).isEqualTo(TEXTS.get(0));
        assertThat(body.get("input").get(1).asText()).isEqualTo(TEXTS.get(1));
    }

    @Test
    void noTextsNeedNoCall() {
        assertThat(embeddings.embed(OPENAI_KEY, List.of()).vectors()).isEmpty();
        OPENAI.verify(0, postRequestedFor(urlPathEqualTo(OPENAI_EMBEDDINGS)));
    }

    @Test
    void errorsAreClassifiedAndNotRetriedByTheSdk() {
        AiStandIns.openAiError(OPENAI, OPENAI_EMBEDDINGS, 429, "error.429.rate_limit_exceeded.json",
                AiStandIns.openAiRateLimitHeaders(true));

        AiProviderException e = catchThrowableOfType(AiProviderException.class, () -> embeddings.embed(OPENAI_KEY, TEXTS));

        assertThat(e.failure()).isEqualTo(Failure.RATE_LIMITED);
        assertThat(e.retryAfter()).hasSeconds(2);
        assertThat(AiStandIns.everythingSaidBy(e)).doesNotContain(OPENAI_KEY).doesNotContain("Seat León");
        OPENAI.verify(1, postRequestedFor(urlPathEqualTo(OPENAI_EMBEDDINGS)));
    }
}
