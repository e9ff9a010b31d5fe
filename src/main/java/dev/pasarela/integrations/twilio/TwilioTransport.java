package dev.pasarela.integrations.twilio;

import com.twilio.exception.ApiConnectionException;
import com.twilio.http.HttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import dev.pasarela.http.ProviderHttp;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * twilio-java's transport over a {@link RestClient} from Boot's builder (timeouts of
 * {@link TwilioProperties}, {@code http.client.requests} metrics), pointed at
 * {@code pasarela.twilio.api-base}: the SDK builds the request (URL, form, basic auth) and reads the
 * answer, Twilio's error codes included; this only sends it, to the configured base, which the SDK
 * itself allows only as a region or edge of twilio.com.
 */
@Component
class TwilioTransport extends HttpClient implements AutoCloseable {

    private final String base;
    private final RestClient http;
    private final ClientHttpRequestFactory connections;

    TwilioTransport(RestClient.Builder http, TwilioProperties twilio) {
        this.base = twilio.apiBase().replaceAll("/+$", "");
        this.connections = ProviderHttp.requestFactory(twilio.connectTimeout(), twilio.timeout());
        this.http = http.requestFactory(connections).build();
    }

    /** Its connections close with the application context. */
    @Override
    public void close() throws Exception {
        ProviderHttp.close(connections);
    }

    @Override
    public Response makeRequest(Request request) {
        URL url = request.constructURL();
        URI target = URI.create(base + url.getPath() + (url.getQuery() == null ? "" : "?" + url.getQuery()));
        RestClient.RequestBodySpec call = http.method(switch (request.getMethod()) {
            case POST -> HttpMethod.POST;
            case DELETE -> HttpMethod.DELETE;
            default -> HttpMethod.GET;
        }).uri(target).accept(MediaType.APPLICATION_JSON);
        if (request.requiresAuthentication()) {
            call.header("Authorization", request.getAuthString());
        }
        request.getHeaderParams().forEach((name, values) -> values.forEach(v -> call.header(name, v)));
        if (request.getMethod() == com.twilio.http.HttpMethod.POST) {
            // the SDK encoded the form already: sent as bytes, so no converter re-encodes it or adds a charset
            call.contentType(MediaType.APPLICATION_FORM_URLENCODED)
                    .body(request.encodeFormBody().getBytes(StandardCharsets.UTF_8));
        }
        try {
            // every status is the SDK's to read: it turns Twilio's error bodies into ApiException with the code
            return call.exchange((req, response) -> {
                try (InputStream in = response.getBody()) {
                    return new Response(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                            response.getStatusCode().value());
                }
            });
        } catch (ResourceAccessException e) {
            throw new ApiConnectionException("Twilio unreachable: " + e.getMostSpecificCause().getClass().getSimpleName(),
                    e.getMostSpecificCause());
        }
    }
}
