package dev.pasarela.integrations.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.pipeline.errors.TransientException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The Graph API over plain HTTPS: {@code <base>/<version>/<path>} with the caller's bearer token.
 * Base URL and version are configuration ({@code pasarela.meta.graph-base-url},
 * {@code graph-version}), so tests point it at a stand-in. Meta's error bodies become
 * {@link GraphException}; an unreachable Graph is a {@link TransientException}.
 *
 * <p>Why not Camel's whatsapp component: it takes the access token as an endpoint option (one
 * endpoint per tenant token, and the token in the URI), covers only the send call (not media,
 * templates or Messenger), and reports Meta's refusals as a generic exception without the
 * {@code code} our retry and dead-letter decisions key on.
 */
@Component
public class GraphApi {

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http;
    private final String base;
    private final Duration timeout;

    public GraphApi(@Value("${pasarela.meta.graph-base-url:https://graph.facebook.com}") String baseUrl,
                    @Value("${pasarela.meta.graph-version:v25.0}") String version,
                    @Value("${pasarela.meta.graph-timeout:PT10S}") Duration timeout) {
        if (!version.matches("v\\d+\\.\\d+")) {
            throw new IllegalStateException("pasarela.meta.graph-version (META_GRAPH_VERSION) must look like v25.0, not '"
                    + version + "'");
        }
        this.base = baseUrl.replaceAll("/+$", "") + "/" + version;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public JsonNode get(String path, Map<String, String> query, String token) {
        String q = query.isEmpty() ? "" : "?" + query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return call(HttpRequest.newBuilder(URI.create(base + path + q)).GET(), token);
    }

    public JsonNode post(String path, Object body, String token) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
        return call(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)), token);
    }

    private JsonNode call(HttpRequest.Builder request, String token) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.timeout(timeout).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new TransientException("Graph API unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientException("interrupted while calling the Graph API");
        }
        JsonNode body;
        try {
            body = response.body().length == 0 ? json.createObjectNode() : json.readTree(response.body());
        } catch (IOException e) {
            body = json.createObjectNode();
        }
        if (response.statusCode() / 100 == 2 && !body.has("error")) {
            return body;
        }
        JsonNode error = body.path("error");
        throw new GraphException(response.statusCode(), error.path("code").asInt(-1), error.path("error_subcode").asInt(0),
                error.path("message").asText("HTTP " + response.statusCode()),
                error.path("error_data").path("details").asText(error.path("error_user_msg").asText(null)),
                error.path("fbtrace_id").asText(null));
    }
}
