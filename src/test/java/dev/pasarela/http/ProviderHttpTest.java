package dev.pasarela.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.hc.core5.util.TimeValue;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClient;

/**
 * What every provider client gets from {@link ProviderHttp#requestFactory}, against a real local
 * server (over TLS where that matters): the answers a provider gives reach our code as they came (no
 * redirect followed, no retry behind our back, no cookie kept), a slow answer ends at the read timeout
 * and only there, on a reused TLS connection too, and calls to one provider neither queue behind a few
 * pooled connections nor open a connection each. And what a tenant's endpoint gets from
 * {@link ProviderHttp#requestFactoryForUntrustedEndpoints}: an answer that never ends does not hold the caller.
 */
class ProviderHttpTest {

    /** More concurrent calls than any HTTP client's default per-host pool (Apache's is 5). */
    private static final int CONCURRENT_CALLS = 24;
    private static final char[] STORE_PASSWORD = "test-only".toCharArray();

    private HttpServer server;
    private ExecutorService serverThreads;
    private final AtomicInteger requests = new AtomicInteger();
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    private final Set<String> cookiesSent = ConcurrentHashMap.newKeySet();
    private final List<ClientHttpRequestFactory> factories = new ArrayList<>();
    private final CountDownLatch allInFlight = new CountDownLatch(CONCURRENT_CALLS);
    /** Answers held until the test ends: only the client's timeout ends the call. */
    private final CountDownLatch testOver = new CountDownLatch(1);
    /** When a held answer is due: a delay is the input of those tests, scheduled here rather than slept. */
    private ScheduledExecutorService clock;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        serverThreads = Executors.newCachedThreadPool();
        clock = Executors.newSingleThreadScheduledExecutor();
        server.setExecutor(serverThreads);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (ClientHttpRequestFactory factory : factories) {
            if (factory instanceof DisposableBean pool) {
                pool.destroy(); // Apache's connection pool
            }
        }
        testOver.countDown();
        clock.shutdownNow();
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private void answer(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        clientPorts.add(exchange.getRemoteAddress().getPort());
        if (exchange.getRequestHeaders().containsKey("Cookie")) {
            cookiesSent.addAll(exchange.getRequestHeaders().get("Cookie"));
        }
        exchange.getRequestBody().readAllBytes();
        switch (exchange.getRequestURI().getPath()) {
            case "/session" -> {
                // a load balancer's or bot shield's cookie, answered on one tenant's call
                exchange.getResponseHeaders().add("Set-Cookie", "lb=tenant-a; Path=/");
                reply(exchange, 200, "{}");
            }
            case "/unhurried" -> {
                // due longer than the connect timeout after the request, well within the read timeout
                CountDownLatch due = new CountDownLatch(1);
                clock.schedule(due::countDown, 8, TimeUnit.SECONDS);
                awaitQuietly(due, Duration.ofSeconds(30));
                reply(exchange, 200, "{\"ok\":true}");
            }
            case "/endless" -> trickleForever(exchange);
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
                awaitQuietly(testOver, Duration.ofSeconds(30));
                reply(exchange, 200, "{}");
            }
            case "/together" -> {
                // answers once every call is in: a pool that lets fewer through holds the rest until the guard
                allInFlight.countDown();
                boolean together = awaitQuietly(allInFlight, Duration.ofSeconds(20));
                reply(exchange, together ? 200 : 504, "{}");
            }
            default -> reply(exchange, 200, "{\"ok\":true}");
        }
    }

    private RestClient client(Duration readTimeout) {
        return client("http://127.0.0.1:" + server.getAddress().getPort(),
                ProviderHttp.requestFactory(Duration.ofSeconds(2), readTimeout));
    }

    private RestClient client(String baseUrl, ClientHttpRequestFactory requests) {
        factories.add(requests);
        return RestClient.builder().baseUrl(baseUrl).requestFactory(requests).build();
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
                .isInstanceOf(ResourceAccessException.class).hasRootCauseInstanceOf(SocketTimeoutException.class);
        assertThat(requests).hasValue(1);
    }

    @Test
    void aCookieOneAnswerSetsIsNotSentOnTheNextCalls() {
        RestClient client = client(Duration.ofSeconds(5));
        client.get().uri("/session").retrieve().toBodilessEntity();
        client.post().uri("/messages").body("{}").retrieve().toBodilessEntity();

        assertThat(requests).hasValue(2);
        assertThat(cookiesSent).isEmpty();
    }

    /**
     * httpclient5 5.5.1 gives a reused TLS connection its connect timeout as read timeout
     * (spring-boot#47895): a send answered after the connect timeout would fail on a connection that
     * went through, and be retried. Every provider is called over TLS, on kept-alive connections.
     */
    @Test
    void aReusedTlsConnectionWaitsTheReadTimeoutNotTheConnectTimeout() throws Exception {
        KeyStore[] stores = selfSignedFor127001();
        HttpsServer tls = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        tls.setHttpsConfigurator(new HttpsConfigurator(serverContext(stores[0])));
        tls.setExecutor(serverThreads);
        tls.createContext("/", this::answer);
        tls.start();
        try {
            SslBundle trustingIt = SslBundle.of(SslStoreBundle.of(null, null, stores[1]));
            RestClient client = client("https://127.0.0.1:" + tls.getAddress().getPort(),
                    ProviderHttp.requestFactory(Duration.ofSeconds(5), Duration.ofSeconds(30), trustingIt,
                            ProviderHttp.CLOSE_AFTER_IDLE));

            assertThat(client.post().uri("/messages").body("{}").retrieve().body(String.class)).isEqualTo("{\"ok\":true}");
            assertThat(client.post().uri("/unhurried").body("{}").retrieve().body(String.class)).isEqualTo("{\"ok\":true}");
            assertThat(clientPorts).hasSize(1); // the second call was on the first call's connection
        } finally {
            tls.stop(0);
        }
    }

    /**
     * A tenant's endpoint that starts its answer and trickles it for a minute is cut at the read
     * timeout (1 s), whether the answer is read or only closed (what a callback does: closing drains
     * the body, on either client). On Apache's client each byte comes in time, so both calls would
     * take the minute: the guard below fails them first.
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anUntrustedEndpointsEndlessAnswerDoesNotHoldTheCaller() {
        RestClient client = client("http://127.0.0.1:" + server.getAddress().getPort(),
                ProviderHttp.requestFactoryForUntrustedEndpoints(Duration.ofSeconds(2), Duration.ofSeconds(1)));

        assertThatThrownBy(() -> client.post().uri("/endless").body("{}").retrieve().body(String.class))
                .isInstanceOf(RestClientException.class).hasRootCauseInstanceOf(IOException.class);
        assertThat(client.post().uri("/endless").body("{}").retrieve().toBodilessEntity().getStatusCode().value())
                .isEqualTo(200);
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

    @Test
    void closingTheFactoryClosesItsKeptAliveConnection() throws Exception {
        try (ConnectionWatchingServer provider = new ConnectionWatchingServer()) {
            ClientHttpRequestFactory connections = ProviderHttp.requestFactory(Duration.ofSeconds(2), Duration.ofSeconds(5));
            RestClient client = RestClient.builder().baseUrl(provider.url()).requestFactory(connections).build();
            assertThat(client.get().uri("/").retrieve().body(String.class)).isEqualTo("{}");
            assertThat(provider.closedByClient.getCount()).as("the connection is kept alive after the call").isEqualTo(1);

            ProviderHttp.close(connections); // what the application context's close does, through the clients

            assertThat(provider.closedByClient.await(10, TimeUnit.SECONDS)).as("the client closed its connection").isTrue();
        }
    }

    @Test
    void aConnectionIdleLongerThanItsIdleTimeIsClosedByTheClient() throws Exception {
        try (ConnectionWatchingServer provider = new ConnectionWatchingServer()) {
            RestClient client = client(provider.url(), ProviderHttp.requestFactory(Duration.ofSeconds(2),
                    Duration.ofSeconds(5), null, TimeValue.ofMilliseconds(200)));
            assertThat(client.get().uri("/").retrieve().body(String.class)).isEqualTo("{}");

            // the pool stays open; only the evictor can close the idle connection
            assertThat(provider.closedByClient.await(10, TimeUnit.SECONDS)).as("the idle connection was closed").isTrue();
        }
    }

    /**
     * A provider on a plain socket, so that the test sees what the JDK's server hides: the client closing
     * its kept-alive connection. Answers every request on a connection with 200 and {@code {}}.
     */
    private static final class ConnectionWatchingServer implements AutoCloseable {
        final CountDownLatch closedByClient = new CountDownLatch(1);
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final ExecutorService threads = Executors.newCachedThreadPool();

        ConnectionWatchingServer() throws IOException {
            threads.submit(() -> {
                try {
                    Socket connection = socket.accept();
                    threads.submit(() -> serve(connection));
                } catch (IOException closed) {
                    // the test is over
                }
            });
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }

        private void serve(Socket connection) {
            try (connection) {
                var in = new java.io.BufferedReader(new java.io.InputStreamReader(connection.getInputStream(),
                        StandardCharsets.ISO_8859_1));
                OutputStream out = connection.getOutputStream();
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.isEmpty()) { // the end of a request's headers (the tests' calls are GETs, no body)
                        out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
                                .getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                    }
                }
                closedByClient.countDown(); // end of stream: the client closed the connection
            } catch (IOException reset) {
                closedByClient.countDown();
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            threads.shutdownNow();
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** Headers at once, then a byte every 100 ms until the client goes away (or a minute passes). */
    private void trickleForever(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, 0);
        OutputStream body = exchange.getResponseBody();
        Semaphore ticks = new Semaphore(0);
        ScheduledFuture<?> ticking = clock.scheduleAtFixedRate(ticks::release, 100, 100, TimeUnit.MILLISECONDS);
        try {
            for (int i = 0; i < 600 && ticks.tryAcquire(5, TimeUnit.SECONDS); i++) {
                body.write(' ');
                body.flush();
            }
        } catch (IOException clientGone) {
            // what the bound is for
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ticking.cancel(false);
            exchange.close();
        }
    }

    /** A key store with a fresh self-signed certificate for 127.0.0.1, and a trust store with that certificate. */
    private static KeyStore[] selfSignedFor127001() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair pair = generator.generateKeyPair();
        X500Name name = new X500Name("CN=127.0.0.1");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                Date.from(now.minus(1, ChronoUnit.DAYS)), Date.from(now.plus(1, ChronoUnit.DAYS)), name, pair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        X509Certificate certificate = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", pair.getPrivate(), STORE_PASSWORD, new Certificate[] {certificate});
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", certificate);
        return new KeyStore[] {keys, trust};
    }

    private static SSLContext serverContext(KeyStore keys) throws Exception {
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, STORE_PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(managers.getKeyManagers(), null, null);
        return context;
    }

    /** A guard, not a timing: how long a held answer waits at most before the server gives up on it. */
    private static boolean awaitQuietly(CountDownLatch latch, Duration guard) {
        try {
            return latch.await(guard.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
