package dev.pasarela.ops.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The OpenAPI document against the controllers: every {@code /api/**} and {@code /ops/**} mapping is
 * in it, with its authentication and its problem answers; every problem type the code raises is listed.
 */
@GatewayTest
class OpenApiDocumentTest {

    static final Pattern VARIABLE = Pattern.compile("\\{([^}:]+):[^}]*}");
    static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    @LocalServerPort
    int port;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;
    Http http;
    JsonNode doc;

    @BeforeEach
    void load() throws IOException {
        http = new Http(port);
        Http.Response r = http.ops("GET", "/v3/api-docs", null, GatewayTest.OPS_TOKEN);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        doc = new ObjectMapper().readTree(r.body());
    }

    @Test
    void everyControllerMappingUnderApiAndOpsIsDocumented() {
        Set<String> expected = new TreeSet<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> e : mappings.getHandlerMethods().entrySet()) {
            RequestMappingInfo info = e.getKey();
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            for (String pattern : info.getPatternValues()) {
                if (!pattern.startsWith("/api/") && !pattern.startsWith("/ops/")) {
                    continue;
                }
                String path = VARIABLE.matcher(pattern).replaceAll("{$1}");
                if (methods.isEmpty()) {
                    expected.add("ANY " + path + "  (" + e.getValue().getShortLogMessage() + ")");
                } else {
                    methods.forEach(m -> expected.add(m.name() + " " + path));
                }
            }
        }
        Set<String> documented = documentedOperations();
        List<String> missing = new ArrayList<>();
        for (String op : expected) {
            if (op.startsWith("ANY ")) {
                String path = op.substring(4, op.indexOf("  ("));
                if (documented.stream().noneMatch(d -> d.endsWith(" " + path))) {
                    missing.add(op);
                }
            } else if (!documented.contains(op)) {
                missing.add(op);
            }
        }
        System.out.printf("OpenAPI: %d documented operations under /api and /ops, %d controller mappings%n",
                documented.size(), expected.size());
        assertThat(missing).as("controller mappings missing from /v3/api-docs").isEmpty();
        assertThat(documented).hasSizeGreaterThanOrEqualTo(expected.size());
    }

    @Test
    void eachOperationSaysHowToAuthenticateAndAnswersProblems() {
        JsonNode schemes = doc.path("components").path("securitySchemes");
        assertThat(schemes.path(OpenApiConfiguration.FIREBASE).path("scheme").asText()).isEqualTo("bearer");
        assertThat(schemes.path(OpenApiConfiguration.API_KEY).path("name").asText()).isEqualTo("X-Api-Key");
        assertThat(schemes.path(OpenApiConfiguration.OPS).path("scheme").asText()).isEqualTo("bearer");
        assertThat(doc.path("components").path("schemas").path(OpenApiConfiguration.PROBLEM).path("properties").has("type")).isTrue();
        doc.path("paths").fields().forEachRemaining(path -> METHODS.forEach(m -> {
            JsonNode op = path.getValue().path(m);
            if (op.isMissingNode()) {
                return;
            }
            String where = m.toUpperCase(Locale.ROOT) + " " + path.getKey();
            List<String> schemesUsed = new ArrayList<>();
            op.path("security").forEach(req -> req.fieldNames().forEachRemaining(schemesUsed::add));
            if (path.getKey().startsWith("/ops/")) {
                assertThat(schemesUsed).as(where).containsExactly(OpenApiConfiguration.OPS);
            } else {
                assertThat(schemesUsed).as(where).containsExactlyInAnyOrder(OpenApiConfiguration.FIREBASE,
                        OpenApiConfiguration.API_KEY);
                assertThat(op.path("responses").path("429").path("content").has("application/problem+json")).as(where).isTrue();
            }
            assertThat(op.path("responses").path("401").path("content").path("application/problem+json")
                    .path("schema").path("$ref").asText()).as(where).endsWith("/" + OpenApiConfiguration.PROBLEM);
        }));
    }

    @Test
    void requestRecordsCarryTheirBeanValidation() {
        String schemas = doc.path("components").path("schemas").toString();
        assertThat(schemas).contains("\"required\"").containsAnyOf("\"maxLength\"", "\"pattern\"", "\"maximum\"");
    }

    @Test
    void theDocumentNeedsTheOpsTokenOutsideDev() {
        assertThat(http.ops("GET", "/v3/api-docs", null, null).status()).isEqualTo(401);
        assertThat(http.ops("GET", "/v3/api-docs.yaml", null, null).status()).isEqualTo(401);
        assertThat(http.ops("GET", "/v3/api-docs/swagger-config", null, null).status()).isEqualTo(401);
        assertThat(http.ops("GET", "/swagger-ui.html", null, GatewayTest.OPS_TOKEN).status()).isEqualTo(404);
    }

    @Test
    void everyProblemTypeTheCodeRaisesIsListed() throws IOException {
        Map<Integer, List<String>> listed = OpenApiConfiguration.problemTypes();
        Pattern raised = Pattern.compile("(?:ProblemException|Problems\\.json|Problems\\.detail|problem)\\(\\s*(\\d{3}),\\s*\"([a-z0-9-]+)\"");
        Pattern limited = Pattern.compile("new RateLimitedException\\(\\s*\"([a-z0-9-]+)\"");
        List<String> missing = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String src = Files.readString(f);
                Matcher m = raised.matcher(src);
                while (m.find()) {
                    int status = Integer.parseInt(m.group(1));
                    if (!listed.getOrDefault(status, List.of()).contains(m.group(2))) {
                        missing.add(status + " " + m.group(2) + " (" + f.getFileName() + ")");
                    }
                }
                Matcher r = limited.matcher(src);
                while (r.find()) {
                    if (!listed.getOrDefault(429, List.of()).contains(r.group(1))) {
                        missing.add("429 " + r.group(1) + " (" + f.getFileName() + ")");
                    }
                }
            }
        }
        assertThat(missing).as("add them to src/main/resources/openapi/problem-types.properties").isEmpty();
    }

    Set<String> documentedOperations() {
        Set<String> ops = new TreeSet<>();
        doc.path("paths").fields().forEachRemaining(p -> METHODS.forEach(m -> {
            if (p.getValue().has(m)) {
                ops.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey());
            }
        }));
        return ops;
    }
}
