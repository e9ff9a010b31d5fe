package dev.pasarela.integrations.twilio;

import com.twilio.exception.ApiConnectionException;
import com.twilio.http.HttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * twilio-java's transport, pointed at {@code pasarela.twilio.api-base}: the SDK builds the request
 * (URL, form, basic auth) and reads the answer; this only swaps Twilio's scheme and host for the
 * configured base, which the SDK itself allows only as a region or edge of twilio.com.
 */
class TwilioTransport extends HttpClient {

    private final String base;
    private final Duration timeout;
    private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).followRedirects(java.net.http.HttpClient.Redirect.NEVER).build();

    TwilioTransport(String base, Duration timeout) {
        this.base = base.replaceAll("/+$", "");
        this.timeout = timeout;
    }

    @Override
    public Response makeRequest(Request request) {
        URL url = request.constructURL();
        String target = base + url.getPath() + (url.getQuery() == null ? "" : "?" + url.getQuery());
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target)).timeout(timeout)
                .header("Accept", "application/json");
        if (request.requiresAuthentication()) {
            b.header("Authorization", request.getAuthString());
        }
        request.getHeaderParams().forEach((name, values) -> values.forEach(v -> b.header(name, v)));
        String form = request.encodeFormBody();
        switch (request.getMethod()) {
            case POST -> b.header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form));
            case DELETE -> b.DELETE();
            default -> b.GET();
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.body(), r.statusCode());
        } catch (IOException e) {
            throw new ApiConnectionException("Twilio unreachable: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiConnectionException("interrupted while calling Twilio", e);
        }
    }
}
