package dev.pasarela;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docker-compose.yml runs the gateway with its scale-out parts and no secret written in it. */
class DockerComposeTest {

    @Test
    void composeHasTheGatewayFirestoreArtemisAndRedis() throws Exception {
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(Path.of("docker-compose.yml")));
        JsonNode services = compose.path("services");
        assertThat(services.has("pasarela")).isTrue();
        assertThat(services.path("firestore").path("command").toString()).contains("emulators", "firestore");
        assertThat(services.path("artemis").path("image").asText()).startsWith("apache/activemq-artemis");
        assertThat(services.path("redis").path("image").asText()).startsWith("redis");
        JsonNode env = services.path("pasarela").path("environment");
        assertThat(env.path("FIRESTORE_EMULATOR_HOST").asText()).startsWith("firestore:");
        assertThat(env.path("SPRING_ARTEMIS_BROKER_URL").asText()).isEqualTo("tcp://artemis:61616");
        assertThat(env.path("PASARELA_REDIS_URL").asText()).isEqualTo("redis://redis:6379");
        // secrets are required from the environment, never given a value here
        assertThat(env.path("STRIPE_WEBHOOK_SECRET").asText()).startsWith("${STRIPE_WEBHOOK_SECRET:?");
        assertThat(env.path("PASARELA_OPS_TOKEN").asText()).startsWith("${PASARELA_OPS_TOKEN:?");
    }
}
