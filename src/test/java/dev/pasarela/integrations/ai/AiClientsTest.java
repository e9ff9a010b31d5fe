package dev.pasarela.integrations.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.pasarela.support.AiStandIns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AiClientsTest {

    static final WireMockServer SERVER = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    @BeforeAll
    static void start() {
        SERVER.start();
    }

    @AfterAll
    static void stop() {
        SERVER.stop();
    }

    @Test
    void oneClientPerKeyAndProviderKeptWhileUsed() {
        AiClients clients = new AiClients(AiStandIns.properties(SERVER));
        try {
            assertThat(clients.openAi("sk-tenant-a")).isSameAs(clients.openAi("sk-tenant-a"))
                    .isNotSameAs(clients.openAi("sk-tenant-b"));
            assertThat(clients.anthropic("sk-ant-tenant-a")).isSameAs(clients.anthropic("sk-ant-tenant-a"));
            assertThat(clients.size()).isEqualTo(3);
        } finally {
            clients.destroy();
        }
        assertThat(clients.size()).isZero();
    }

    @Test
    void theCacheKeyIsADigestNotTheKey() {
        String key = AiClients.digest("openai", AiStandIns.OPENAI_KEY);

        assertThat(key).startsWith("openai:").hasSize("openai:".length() + 64).doesNotContain(AiStandIns.OPENAI_KEY)
                .doesNotContain("0123456789abcdef");
        assertThat(AiClients.digest("anthropic", AiStandIns.OPENAI_KEY)).isNotEqualTo(key);
    }

    @Test
    void aMissingKeyIsRefusedWithoutBuildingAClient() {
        AiClients clients = new AiClients(AiStandIns.properties(SERVER));
        assertThatThrownBy(() -> clients.openAi(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("openai needs an API key");
        assertThat(clients.size()).isZero();
    }
}
