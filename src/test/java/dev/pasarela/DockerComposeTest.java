package dev.pasarela;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml runs the scale-out topology (two gateways behind a proxy, the Artemis pair,
 * PostgreSQL, Redis) with health checks, start order by health, and no secret written in it.
 */
class DockerComposeTest {

    private static final Pattern REQUIRED = Pattern.compile("\\$\\{[A-Z_]+:\\?[^}]+}");

    private final JsonNode services = read().path("services");

    @Test
    void composeRunsTwoGatewaysBehindAProxyOverTheBrokerPairPostgresAndRedis() throws Exception {
        assertThat(names(services)).containsExactlyInAnyOrder(
                "proxy", "pasarela-1", "pasarela-2", "artemis-primary", "artemis-backup", "postgres", "redis");
        assertThat(services.path("proxy").path("image").asText()).startsWith("haproxy");
        assertThat(Files.readString(Path.of("config/haproxy/haproxy.cfg")))
                .contains("balance roundrobin", "server pasarela-1 pasarela-1:8080 check", "server pasarela-2 pasarela-2:8080 check");
        for (String gateway : List.of("pasarela-1", "pasarela-2")) {
            JsonNode env = services.path(gateway).path("environment");
            assertThat(services.path(gateway).path("build").asText()).isEqualTo(".");
            assertThat(env.path("SPRING_ARTEMIS_MODE").asText()).isEqualTo("native");
            assertThat(env.path("SPRING_ARTEMIS_BROKER_URL").asText())
                    .startsWith("(tcp://artemis-primary:61616,tcp://artemis-backup:61616)?ha=true&reconnectAttempts=-1");
            assertThat(env.path("SPRING_DATASOURCE_URL").asText()).isEqualTo("jdbc:postgresql://postgres:5432/pasarela");
            assertThat(env.path("PASARELA_STORE_TYPE").asText()).isEqualTo("jdbc");
            assertThat(env.path("PASARELA_REDIS_URL").asText()).isEqualTo("redis://redis:6379");
            assertThat(env.path("STRIPE_WEBHOOK_SECRET").asText()).startsWith("${STRIPE_WEBHOOK_SECRET:?");
            assertThat(env.path("PASARELA_OPS_TOKEN").asText()).startsWith("${PASARELA_OPS_TOKEN:?");
            assertThat(env.path("SPRING_ARTEMIS_PASSWORD").asText()).startsWith("${ARTEMIS_PASSWORD:?");
            assertThat(env.path("SPRING_DATASOURCE_PASSWORD").asText()).startsWith("${POSTGRES_PASSWORD:?");
        }
        for (String broker : List.of("artemis-primary", "artemis-backup")) {
            JsonNode artemis = services.path(broker);
            String role = broker.substring("artemis-".length());
            assertThat(artemis.path("image").asText()).isEqualTo("apache/activemq-artemis:2.40.0");
            assertThat(artemis.path("volumes").toString())
                    .contains("./config/artemis/" + role + ":/var/lib/artemis-instance/etc-override")
                    .contains("postgresql.jar:/opt/activemq-artemis/lib/postgresql.jar");
            assertThat(Path.of("config/artemis", role, "broker.xml")).exists();
            assertThat(artemis.path("environment").path("ARTEMIS_JDBC_URL").asText()).startsWith("jdbc:postgresql://postgres:5432/");
            assertThat(artemis.path("environment").path("ARTEMIS_PASSWORD").asText()).startsWith("${ARTEMIS_PASSWORD:?");
        }
    }

    @Test
    void everyServiceHasAHealthCheckAndStartsAfterItsDependenciesAreHealthy() {
        for (Map.Entry<String, JsonNode> service : services.properties()) {
            assertThat(service.getValue().path("healthcheck").path("test").isMissingNode())
                    .as("%s has a health check", service.getKey()).isFalse();
            for (Map.Entry<String, JsonNode> dependency : service.getValue().path("depends_on").properties()) {
                assertThat(dependency.getValue().path("condition").asText())
                        .as("%s waits for %s to be healthy", service.getKey(), dependency.getKey()).isEqualTo("service_healthy");
            }
        }
        assertThat(names(services.path("pasarela-1").path("depends_on")))
                .containsExactlyInAnyOrder("postgres", "redis", "artemis-primary", "artemis-backup");
        assertThat(names(services.path("proxy").path("depends_on"))).containsExactlyInAnyOrder("pasarela-1", "pasarela-2");
    }

    @Test
    void everyPasswordKeyOrTokenIsRequiredFromTheEnvironment() throws Exception {
        for (Map.Entry<String, JsonNode> service : services.properties()) {
            for (Map.Entry<String, JsonNode> variable : service.getValue().path("environment").properties()) {
                if (variable.getKey().matches(".*(PASSWORD|SECRET|TOKEN|KEYS?)$")) {
                    assertThat(variable.getValue().asText()).as("%s of %s", variable.getKey(), service.getKey())
                            .matches(REQUIRED);
                }
            }
        }
        // .ci/run validates the file with a placeholder for each required variable
        String ci = Files.readString(Path.of(".ci/run"));
        Matcher m = Pattern.compile("\\$\\{([A-Z_]+):\\?").matcher(Files.readString(Path.of("docker-compose.yml")));
        while (m.find()) {
            assertThat(ci).as(".ci/run sets a placeholder for %s", m.group(1)).contains(m.group(1) + "=");
        }
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode read() {
        try {
            // SnakeYAML resolves the merge keys (<<: *gateway) as Compose does; Jackson's YAML reader does not
            Object compose = new org.yaml.snakeyaml.Yaml().load(Files.readString(Path.of("docker-compose.yml")));
            return new ObjectMapper().valueToTree(compose);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
