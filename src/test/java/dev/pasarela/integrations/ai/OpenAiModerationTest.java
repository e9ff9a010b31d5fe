package dev.pasarela.integrations.ai;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.pasarela.support.AiStandIns.OPENAI_KEY;
import static dev.pasarela.support.AiStandIns.OPENAI_MODERATIONS;
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

class OpenAiModerationTest {

    static final WireMockServer OPENAI = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    static final String INSULT = "Como no me bajéis el precio del León voy a ir al concesionario a partiros la cara";
    static final List<String> CATEGORIES = List.of("harassment", "harassment/threatening", "hate", "hate/threatening",
            "illicit", "illicit/violent", "self-harm", "self-harm/intent", "self-harm/instructions", "sexual",
            "sexual/minors", "violence", "violence/graphic");

    static AiClients clients;
    OpenAiModeration moderation;

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
        moderation = new OpenAiModeration(clients, new OpenAiFailures(CLOCK), AiStandIns.properties(OPENAI));
    }

    @Test
    void returnsEveryCategoryWithItsFlagAndScoreUnderTheApisNames() throws Exception {
        AiStandIns.openAiModeration(OPENAI);

        Moderation result = moderation.moderate(OPENAI_KEY, INSULT);

        assertThat(moderation.name()).isEqualTo("openai");
        assertThat(result.provider()).isEqualTo("openai");
        assertThat(result.model()).isEqualTo("omni-moderation-latest");
        assertThat(result.flagged()).isTrue();
        assertThat(result.categories()).containsOnlyKeys(CATEGORIES);
        assertThat(result.scores()).containsOnlyKeys(CATEGORIES);
        assertThat(result.categories()).containsEntry("harassment", true).containsEntry("harassment/threatening", true)
                .containsEntry("violence", true).containsEntry("self-harm/intent", false)
                .containsEntry("illicit/violent", false).containsEntry("sexual/minors", false);
        assertThat(result.categories().values()).filteredOn(flag -> flag).hasSize(3);
        assertThat(result.scores()).containsEntry("harassment", 0.8731).containsEntry("violence", 0.7355)
                .containsEntry("sexual/minors", 0.0000042).containsEntry("self-harm/instructions", 0.0001);
        List<LoggedRequest> requests = OPENAI.findAll(postRequestedFor(urlPathEqualTo(OPENAI_MODERATIONS)));
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).getHeader("Authorization")).isEqualTo("Bearer " + OPENAI_KEY);
        JsonNode body = new ObjectMapper().readTree(requests.get(0).getBodyAsString());
        assertThat(body.get("model").asText()).isEqualTo("omni-moderation-latest");
        assertThat(body.get("input").asText()).isEqualTo(INSULT);
    }

    @Test
    void aWrongKeyIsUnauthorizedWithoutTheKeyInTheMessage() {
        AiStandIns.openAiError(OPENAI, OPENAI_MODERATIONS, 401, "error.401.invalid_api_key.json");

        AiProviderException e = catchThrowableOfType(AiProviderException.class,
                () -> moderation.moderate(OPENAI_KEY, INSULT));

        assertThat(e.failure()).isEqualTo(Failure.UNAUTHORIZED);
        assertThat(e.errorType()).isEqualTo("invalid_api_key");
        assertThat(AiStandIns.everythingSaidBy(e)).doesNotContain(OPENAI_KEY).doesNotContain("partiros");
    }
}
