package dev.pasarela.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** A small HTTP client for tests that talk to the gateway as its users do. */
public final class Http {

    public record Response(int status, String contentType, String body, HttpResponse<String> raw) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public Http(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    public Response stripe(byte[] body, String signature) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/webhooks/stripe"))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signature != null) {
            b.header("Stripe-Signature", signature);
        }
        return send(b);
    }

    public Response ops(String method, String path, String jsonBody) {
        return ops(method, path, jsonBody, GatewayTest.OPS_TOKEN);
    }

    public Response ops(String method, String path, String jsonBody, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(jsonBody))
                .header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b);
    }

    public Response send(HttpRequest.Builder b) {
        try {
            HttpRequest request = b.timeout(Duration.ofSeconds(30)).build();
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            Response answer = new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r);
            if (answer.contentType().startsWith("application/problem+json")
                    && request.uri().getPath().startsWith("/api/")) {
                PersonalData.assertNotRepeated(sentBody(request), request.uri().getPath(), answer);
            }
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The request's body as sent (the publishers tests use replay their bytes to each subscriber). */
    private static String sentBody(HttpRequest request) {
        return request.bodyPublisher().map(publisher -> {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CompletableFuture<Void> done = new CompletableFuture<>();
            publisher.subscribe(new Flow.Subscriber<ByteBuffer>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(ByteBuffer item) {
                    byte[] chunk = new byte[item.remaining()];
                    item.get(chunk);
                    bytes.writeBytes(chunk);
                }

                @Override
                public void onError(Throwable t) {
                    done.completeExceptionally(t);
                }

                @Override
                public void onComplete() {
                    done.complete(null);
                }
            });
            done.join();
            return bytes.toString(StandardCharsets.UTF_8);
        }).orElse("");
    }

    public String base() {
        return base;
    }
}
