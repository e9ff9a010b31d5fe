package dev.pasarela.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.support.GatewayTest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.TestPropertySource;

/**
 * The management port ({@code management.server.port}) is a door of its own: Boot builds its Tomcat
 * and error page apart from the gateway's, and it must refuse as the gateway's port does, in
 * problem+json that repeats nothing of the request.
 */
@GatewayTest
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = "management.server.port=0")
class ManagementPortRefusalsTest {

    static final String MARK = "MGMTMARK";
    static final ObjectMapper JSON = new ObjectMapper();

    @LocalManagementPort
    int managementPort;

    @Test
    void theManagementPortRefusesInProblemJsonAndRepeatsNothing(CapturedOutput output) {
        RawHttp raw = new RawHttp(managementPort);
        assertProblem(get(raw, "/actuator/%2F" + MARK, "HTTP/1.1"), 400, "malformed-request");
        RawHttp.Answer version = get(raw, "/actuator/health", "HTTP/9.9");
        assertProblem(version, 400, "malformed-request");
        assertThat(version.body()).contains("HTTP/1.1");
        assertProblem(raw.send(("GET /actuator/health HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(9000) + MARK
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1)), 431, "request-header-too-large");
        // no handler there (the same 404 as on the gateway's port), and the error page asked for by name
        assertProblem(get(raw, "/actuator/nothing-here", "HTTP/1.1"), 404, "not-found");
        assertProblem(get(raw, "/error", "HTTP/1.1"), 404, "not-found");
        // what the port is for still answers
        assertThat(get(raw, "/actuator/health", "HTTP/1.1").status()).isEqualTo(200);

        assertThat(output.getAll().lines().filter(l -> l.contains(MARK)).toList()).isEmpty();
    }

    private static RawHttp.Answer get(RawHttp raw, String target, String version) {
        return raw.send(("GET " + target + " " + version + "\r\nHost: x\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void assertProblem(RawHttp.Answer a, int status, String type) {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.contentType()).as(a.body()).startsWith("application/problem+json");
        try {
            JsonNode p = JSON.readTree(a.body());
            assertThat(p.path("status").asInt()).isEqualTo(status);
            assertThat(p.path("type").asText()).isEqualTo("https://pasarela.dev/problems/" + type);
            assertThat(a.body()).doesNotContain(MARK, "<html");
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + a.body(), e);
        }
    }
}
