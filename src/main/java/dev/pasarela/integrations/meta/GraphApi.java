package dev.pasarela.integrations.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.http.ProviderHttp;
import dev.pasarela.pipeline.errors.TransientException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * The Graph API over HTTPS: {@code <base>/<version>/<path>} with the caller's bearer token, through
 * a {@link RestClient} from Boot's builder (its JSON mapper, {@code http.client.requests} metrics)
 * with the timeouts of {@link MetaProperties}. Meta's error bodies become {@link GraphException};
 * an unreachable or slow Graph is a {@link TransientException}.
 *
 * <p>Why not Camel's whatsapp component: it takes the access token as an endpoint option (one
 * endpoint per tenant token, and the token in the URI), covers only the send call (not media,
 * templates or Messenger), and reports Meta's refusals as a generic exception without the
 * {@code code} our retry and dead-letter decisions key on.
 */
@Component
public class GraphApi {

    private final ObjectMapper json;
    private final RestClient http;
    private final String base;
    private final Clock clock;

    public GraphApi(RestClient.Builder http, MetaProperties meta, ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
        this.base = meta.graphBaseUrl().replaceAll("/+$", "") + "/" + meta.graphVersion();
        this.http = http.requestFactory(ProviderHttp.requestFactory(meta.graphConnectTimeout(), meta.graphTimeout()))
                .build();
    }

    public JsonNode get(String path, Map<String, String> query, String token) {
        // encoded here, once: RestClient's URI templates would encode the values a second time
        String q = query.isEmpty() ? "" : "?" + query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return call(http.get().uri(URI.create(base + path + q)), token);
    }

    public JsonNode post(String path, Object body, String token) {
        return call(http.post().uri(URI.create(base + path)).contentType(MediaType.APPLICATION_JSON).body(body), token);
    }

    /** {@code DELETE <path>}: Meta answers {@code {"success":true}}. */
    public JsonNode delete(String path, String token) {
        return call(http.delete().uri(URI.create(base + path)), token);
    }

    private JsonNode call(RestClient.RequestHeadersSpec<?> request, String token) {
        try {
            return request.headers(h -> h.setBearerAuth(token)).exchange((req, response) -> {
                JsonNode body = read(response);
                if (response.getStatusCode().is2xxSuccessful() && !body.has("error")) {
                    return body;
                }
                throw GraphException.of(response.getStatusCode().value(), body.path("error"),
                        ProviderHttp.retryAfter(response.getHeaders(), clock).orElse(null));
            });
        } catch (ResourceAccessException e) {
            // the cause's class only: its message may carry the URL, and a media URL can be signed
            throw new TransientException("Graph API unreachable: " + e.getMostSpecificCause().getClass().getSimpleName());
        }
    }

    /** Meta's body, or an empty object when there is none or it is not JSON (a proxy's 502 page). */
    private JsonNode read(ClientHttpResponse response) {
        try (InputStream in = response.getBody()) {
            byte[] bytes = in.readAllBytes();
            return bytes.length == 0 ? json.createObjectNode() : json.readTree(bytes);
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }
}
