package dev.pasarela.integrations.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.http.ProviderHttp;
import dev.pasarela.pipeline.errors.TransientException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequestFactory;
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
 *
 * <p>Every answer's rate-limit headers go to {@link GraphUsage}. Before a call, an object Meta said
 * to leave alone (its {@code estimated_time_to_regain_access} not yet passed) is not called at all:
 * the caller gets a throttling {@link GraphException} with the time left, which deliveries retry
 * like Meta's own. An object (or the app) at or over the slowdown threshold gets one bounded pause
 * before the call, up to {@code pasarela.meta.usage-max-delay} at 100 %.
 *
 * <p>Why a pause and not a {@link TransientException}: Meta still accepts these calls, and a
 * refusal would spend one of a delivery's few redeliveries (and dead-letter it after them) and
 * fail a synchronous API call outright; one short pause on the calling thread spreads the calls
 * out, as the delivery route's throttle already does. It is one wait, bounded, per call: never a
 * loop polling until usage falls.
 */
@Component
public class GraphApi implements AutoCloseable {

    private final ObjectMapper json;
    private final RestClient http;
    private final ClientHttpRequestFactory connections;
    private final String base;
    private final Clock clock;
    private final GraphUsage usage;
    private final Pause pause;

    /** How the pause before a call to a busy object is taken; tests record it instead of waiting. */
    @FunctionalInterface
    interface Pause {
        void take(Duration duration) throws InterruptedException;
    }

    /** On its own (tests, tools): usage kept, gauges in a private registry. */
    public GraphApi(RestClient.Builder http, MetaProperties meta, ObjectMapper json, Clock clock) {
        this(http, meta, json, clock, new GraphUsage(meta, new SimpleMeterRegistry(), json, clock));
    }

    @Autowired
    public GraphApi(RestClient.Builder http, MetaProperties meta, ObjectMapper json, Clock clock, GraphUsage usage) {
        this(http, meta, json, clock, usage, d -> Thread.sleep(d.toMillis()));
    }

    GraphApi(RestClient.Builder http, MetaProperties meta, ObjectMapper json, Clock clock, GraphUsage usage,
             Pause pause) {
        this.json = json;
        this.clock = clock;
        this.usage = usage;
        this.pause = pause;
        this.base = meta.graphBaseUrl().replaceAll("/+$", "") + "/" + meta.graphVersion();
        this.connections = ProviderHttp.requestFactory(meta.graphConnectTimeout(), meta.graphTimeout());
        this.http = http.requestFactory(connections).build();
    }

    /** Its connections close with the application context. */
    @Override
    public void close() throws Exception {
        ProviderHttp.close(connections);
    }

    public JsonNode get(String path, Map<String, String> query, String token) {
        // encoded here, once: RestClient's URI templates would encode the values a second time
        String q = query.isEmpty() ? "" : "?" + query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return call(path, http.get().uri(URI.create(base + path + q)), token);
    }

    public JsonNode post(String path, Object body, String token) {
        return call(path, http.post().uri(URI.create(base + path)).contentType(MediaType.APPLICATION_JSON).body(body),
                token);
    }

    /** {@code DELETE <path>}: Meta answers {@code {"success":true}}. */
    public JsonNode delete(String path, String token) {
        return call(path, http.delete().uri(URI.create(base + path)), token);
    }

    private JsonNode call(String path, RestClient.RequestHeadersSpec<?> request, String token) {
        shape(path);
        try {
            return request.headers(h -> h.setBearerAuth(token)).exchange((req, response) -> {
                Optional<Duration> regain = usage.observe(path, response.getHeaders());
                JsonNode body = read(response);
                if (response.getStatusCode().is2xxSuccessful() && !body.has("error")) {
                    return body;
                }
                JsonNode error = body.path("error");
                Duration retryAfter = ProviderHttp.retryAfter(response.getHeaders(), clock)
                        .or(() -> GraphException.isThrottling(error.path("code").asInt(-1)) ? regain : Optional.empty())
                        .orElse(null);
                throw GraphException.of(response.getStatusCode().value(), error, retryAfter);
            });
        } catch (ResourceAccessException e) {
            // the cause's class only: its message may carry the URL, and a media URL can be signed
            throw new TransientException("Graph API unreachable: " + e.getMostSpecificCause().getClass().getSimpleName());
        }
    }

    /** Refuses or slows a call to an object as Meta's last rate-limit headers say (see the class comment). */
    private void shape(String path) {
        Duration wait = usage.beforeCall(path);
        if (wait.isZero()) {
            return;
        }
        try {
            pause.take(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientException("Interrupted while slowing down a Graph call");
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
