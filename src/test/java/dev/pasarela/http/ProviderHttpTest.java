package dev.pasarela.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * What every provider client gets from {@link ProviderHttp#requestFactory}, against a real local
 * server: the answers a provider gives reach our code as they came (no redirect followed, no retry
 * behind our back), a slow answer ends at the read timeout, and calls to one provider neither queue
 * behind a few pooled connections nor open a connection each.
 */
class ProviderHttpTest {

    /** More concurrent calls than any HTTP client's default per-host pool (Apache's is 5). */
    private static final int CONCURRENT_CALLS = 24;

    private HttpServer server;
    private ExecutorService serverThreads;
    private final AtomicInteger requests = new AtomicInteger();
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    private final CountDownLatch allInFlight = new CountDownLatch(CONCURRENT_CALLS);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private void answer(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        clientPorts.add(exchange.getRemoteAddress().getPort());
        exchange.getRequestBody().readAllBytes();
        switch (exchange.getRequestURI().getPath()) {
            case "/moved" -> {
                exchange.getResponseHeaders().add("Location", "/elsewhere");
                reply(exchange, 302, "");
            }
            case "/busy" -> {
                // what Graph, SendGrid or OpenAI answer when they shed load: an idempotent request is one
                // Apache's default retry strategy would send again after Retry-After
                exchange.getResponseHeaders().add("Retry-After", "1");
                reply(exchange, 503, "{\"error\":\"busy\"}");
            }
            case "/slow" -> {
                sleepQuietly(Duration.ofSeconds(5));
                reply(exchange, 200, "{}");
            }
            case "/together" -> {
                // answers once every call is in: a pool that lets fewer through holds the rest until the guard
                allInFlight.countDown();
                boolean together = awaitQuietly(allInFlight);
                reply(exchange, together ? 200 : 504, "{}");
            }
            default -> reply(exchange, 200, "{\"ok\":true}");
        }
    }

    private RestClient client(Duration readTimeout) {
        return RestClient.builder().baseUrl("http://127.0.0.1:" + server.getAddress().getPort())
                .requestFactory(ProviderHttp.requestFactory(Duration.ofSeconds(2), readTimeout)).build();
    }

    @Test
    void aRedirectIsTheProvidersAnswerNotFollowed() {
        ResponseEntity<String> answer = client(Duration.ofSeconds(5)).get().uri("/moved").retrieve().toEntity(String.class);

        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.FOUND);
        assertThat(requests).hasValue(1); // /elsewhere never asked for: our credentials stay with the provider
    }

    @Test
    void aRefusalWithRetryAfterReachesOurCodeAtOnceAndIsNotSentAgain() {
        RestClient client = client(Duration.ofSeconds(5));

        assertThatThrownBy(() -> client.get().uri("/busy").retrieve().toBodilessEntity())
                .isInstanceOfSatisfying(HttpServerErrorException.class,
                        e -> assertThat(e.getResponseHeaders().getFirst("Retry-After")).isEqualTo("1"));
        assertThatThrownBy(() -> client.put().uri("/busy").body("{}").retrieve().toBodilessEntity())
                .isInstanceOf(HttpServerErrorException.class);
        // the pipeline's redelivery decides when to try again, with the provider's Retry-After
        assertThat(requests).hasValue(2);
    }

    @Test
    void anAnswerSlowerThanTheReadTimeoutIsAnAccessFailure() {
        assertThatThrownBy(() -> client(Duration.ofMillis(300)).post().uri("/slow").body("{}").retrieve().toBodilessEntity())
                .isInstanceOf(ResourceAccessException.class);
        assertThat(requests).hasValue(1);
    }

    @Test
    void callsOneAfterTheOtherShareOneKeptAliveConnection() {
        RestClient client = client(Duration.ofSeconds(5));
        for (int i = 0; i < 10; i++) {
            assertThat(client.post().uri("/messages").body("{\"n\":" + i + "}").retrieve().body(String.class))
                    .isEqualTo("{\"ok\":true}");
        }

        assertThat(clientPorts).hasSize(1);
    }

    @Test
    void concurrentCallsToOneProviderAreAllInFlightAtOnce() throws Exception {
        RestClient client = client(Duration.ofSeconds(30));
        ExecutorService callers = Executors.newFixedThreadPool(CONCURRENT_CALLS);
        try {
            List<Future<HttpStatus>> calls = new ArrayList<>();
            for (int i = 0; i < CONCURRENT_CALLS; i++) {
                calls.add(callers.submit(() -> HttpStatus.valueOf(client.post().uri("/together").body("{}")
                        .retrieve().toBodilessEntity().getStatusCode().value())));
            }
            for (Future<HttpStatus> call : calls) {
                assertThat(call.get(60, TimeUnit.SECONDS)).isEqualTo(HttpStatus.OK);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A guard, not a timing: the calls that got in wait this long for the others before failing the test. */
    private static boolean awaitQuietly(CountDownLatch latch) {
        try {
            return latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
