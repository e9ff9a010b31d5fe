import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Outbound load generator, run by bench/outbound.sh. A Graph API stand-in (JDK HttpServer)
 * answers every send with Meta's success body and records when each arrived. Measured: the accept
 * path POST /api/v1/whatsapp/messages (auth, rate limit, quota, window and opt-out checks, store
 * transaction, durable enqueue → 202) against GET /api/v1/usage (auth, rate limit, one store read)
 * in interleaved rounds; then the delivery side: how fast the queued messages reached the
 * stand-in and the most that arrived in any one second (the per-number shaping).
 *
 *   java bench/OutboundBench.java <port> <graph-port> <ops-token> <app-secret> <requests> <concurrency> <rounds> <rate>
 */
public class OutboundBench {

    record Result(String name, int requests, long errors, double seconds, long[] latenciesMicros) {
        double throughput() {
            return requests / seconds;
        }

        double pct(double p) {
            long[] s = latenciesMicros.clone();
            Arrays.sort(s);
            return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)] / 1000.0;
        }
    }

    static final String PHONE_ID = "106540352242922";
    static final String CONTACT = "5215500000000";
    static final ConcurrentLinkedQueue<Long> ARRIVALS = new ConcurrentLinkedQueue<>();
    static final AtomicLong WAMID = new AtomicLong();

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int graphPort = Integer.parseInt(args[1]);
        String ops = args[2];
        String appSecret = args[3];
        int requests = Integer.parseInt(args[4]);
        int concurrency = Integer.parseInt(args[5]);
        int rounds = Integer.parseInt(args[6]);
        int rate = Integer.parseInt(args[7]);
        graphStandIn(graphPort);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String base = "http://127.0.0.1:" + port;

        String key = client.send(HttpRequest.newBuilder(URI.create(base + "/ops/tenants/bench-dealer/api-keys"))
                        .header("Authorization", "Bearer " + ops).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"bench\"}")).build(),
                HttpResponse.BodyHandlers.ofString()).body().replaceAll(".*\"key\":\"([^\"]+)\".*", "$1");
        openWindow(client, base, appSecret);
        HttpRequest.Builder send = HttpRequest.newBuilder(URI.create(base + "/api/v1/whatsapp/messages"))
                .header("X-Api-Key", key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"+" + CONTACT + "\",\"type\":\"text\","
                        + "\"text\":{\"body\":\"Su cita es mañana a las 10:00\"}}"));
        for (int i = 0; i < 200 && client.send(send.build(), HttpResponse.BodyHandlers.discarding()).statusCode() != 202; i++) {
            Thread.sleep(100); // the inbound message that opens the window is still on its way
        }
        HttpRequest.Builder usage = HttpRequest.newBuilder(URI.create(base + "/api/v1/usage")).header("X-Api-Key", key).GET();

        run(client, usage, Math.max(300, requests / 4), concurrency, 200, "warm-up");
        run(client, send, Math.max(300, requests / 4), concurrency, 202, "warm-up");
        awaitDelivered(1 + Math.max(300, requests / 4));
        ARRIVALS.clear();

        List<Result> baseline = new ArrayList<>();
        List<Result> accept = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            baseline.add(run(client, usage, requests, concurrency, 200, "baseline"));
            accept.add(run(client, send, requests, concurrency, 202, "accept"));
        }
        int accepted = accept.stream().mapToInt(x -> x.requests() - (int) x.errors()).sum();
        long acceptEnd = System.currentTimeMillis();
        awaitDelivered(accepted);

        System.out.printf("| endpoint | requests | errors | throughput (req/s) | p50 (ms) | p99 (ms) |%n|---|---|---|---|---|---|%n");
        Result b = merge("GET /api/v1/usage (baseline: auth, limits, one store read)", baseline);
        Result a = merge("POST /api/v1/whatsapp/messages (accept: checks, store, durable enqueue → 202)", accept);
        for (Result x : List.of(b, a)) {
            System.out.printf("| %s | %d | %d | %.0f | %.2f | %.2f |%n", x.name(), x.requests(), x.errors(),
                    x.throughput(), x.pct(50), x.pct(99));
        }
        System.out.printf("%nAccept / baseline: throughput %.2f, p50 latency %.2fx, p99 latency %.2fx%n",
                a.throughput() / b.throughput(), a.pct(50) / b.pct(50), a.pct(99) / b.pct(99));
        long[] t = ARRIVALS.stream().mapToLong(Long::longValue).sorted().toArray();
        int most = 0;
        for (int i = 0, j = 0; i < t.length; i++) {
            while (t[i] - t[j] >= 1000) {
                j++;
            }
            most = Math.max(most, i - j + 1);
        }
        System.out.printf("%nDelivery to the Graph stand-in: %d messages in %.1f s = %.0f messages/s; most in any 1 s: %d "
                        + "(per-number rate %d/s)%n", t.length, (t[t.length - 1] - t[0]) / 1000.0,
                t.length / Math.max(0.001, (t[t.length - 1] - t[0]) / 1000.0), most, rate);
        long backlog = Arrays.stream(t).filter(x -> x > acceptEnd).count();
        double drain = (t[t.length - 1] - acceptEnd) / 1000.0;
        System.out.printf("Backlog after the last accept (delivery alone, load generator idle): %d messages in %.1f s = %.0f "
                + "messages/s%n", backlog, drain, backlog / Math.max(0.001, drain));
        System.exit(0);
    }

    static void graphStandIn(int port) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            ARRIVALS.add(System.currentTimeMillis());
            byte[] body = ("{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"+" + CONTACT + "\",\"wa_id\":\""
                    + CONTACT + "\"}],\"messages\":[{\"id\":\"wamid.bench" + WAMID.incrementAndGet() + "\"}]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    static void openWindow(HttpClient client, String base, String appSecret) throws Exception {
        byte[] body = ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"value\":{"
                + "\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"1\",\"phone_number_id\":\""
                + PHONE_ID + "\"},\"contacts\":[{\"profile\":{\"name\":\"Bench\"},\"wa_id\":\"" + CONTACT + "\"}],"
                + "\"messages\":[{\"from\":\"" + CONTACT + "\",\"id\":\"wamid.bench-in-" + System.nanoTime()
                + "\",\"timestamp\":\"" + Instant.now().getEpochSecond() + "\",\"type\":\"text\",\"text\":{\"body\":\"Hola\"}}]},"
                + "\"field\":\"messages\"}]}]}").getBytes(StandardCharsets.UTF_8);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        client.send(HttpRequest.newBuilder(URI.create(base + "/webhooks/meta"))
                .header("X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(mac.doFinal(body)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.discarding());
    }

    static void awaitDelivered(int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 600_000;
        while (ARRIVALS.size() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
    }

    static Result merge(String name, List<Result> parts) {
        int n = parts.stream().mapToInt(Result::requests).sum();
        long errors = parts.stream().mapToLong(Result::errors).sum();
        double seconds = parts.stream().mapToDouble(Result::seconds).sum();
        long[] all = parts.stream().flatMapToLong(p -> Arrays.stream(p.latenciesMicros())).toArray();
        return new Result(name, n, errors, seconds, all);
    }

    static Result run(HttpClient client, HttpRequest.Builder request, int requests, int concurrency, int expected,
                      String name) throws Exception {
        long[] lat = new long[requests];
        AtomicInteger next = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        HttpRequest req = request.build();
        for (int c = 0; c < concurrency; c++) {
            fs.add(pool.submit(() -> {
                int k;
                while ((k = next.getAndIncrement()) < requests) {
                    long t0 = System.nanoTime();
                    try {
                        if (client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() != expected) {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    lat[k] = (System.nanoTime() - t0) / 1000;
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        return new Result(name, requests, errors.get(), seconds, lat);
    }
}
