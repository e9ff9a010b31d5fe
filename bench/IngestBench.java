import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook ingest load generator: signed Stripe events to POST /webhooks/stripe (2xx only after
 * the durable enqueue) against the bare baseline POST /webhooks/bench-noop of the same server,
 * interleaved in rounds so both see the same machine. Run by bench/ingest.sh.
 *
 *   java bench/IngestBench.java <port> <webhook-secret> <customer> <requests> <concurrency> <rounds>
 */
public class IngestBench {

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

    static final AtomicLong EVENT = new AtomicLong(System.currentTimeMillis() * 1000);

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String secret = args[1];
        String customer = args[2];
        int requests = Integer.parseInt(args[3]);
        int concurrency = Integer.parseInt(args[4]);
        int rounds = Integer.parseInt(args[5]);
        String template = Files.readString(Path.of("src/test/resources/stripe/customer.subscription.updated.basil.json"))
                .replace("cus_NffrFeUfNV2Hib", customer);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String base = "http://127.0.0.1:" + port;

        // warm-up: JIT, connection pools, broker journal
        run(client, base + "/webhooks/bench-noop", template, secret, Math.max(500, requests / 4), concurrency, "warm-up");
        run(client, base + "/webhooks/stripe", template, secret, Math.max(500, requests / 4), concurrency, "warm-up");

        List<Result> baseline = new ArrayList<>();
        List<Result> ingest = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            baseline.add(run(client, base + "/webhooks/bench-noop", template, secret, requests, concurrency, "baseline"));
            ingest.add(run(client, base + "/webhooks/stripe", template, secret, requests, concurrency, "ingest"));
        }
        System.out.printf("| endpoint | requests | errors | throughput (req/s) | p50 (ms) | p99 (ms) |%n");
        System.out.printf("|---|---|---|---|---|---|%n");
        Result b = merge("POST /webhooks/bench-noop (baseline)", baseline);
        Result i = merge("POST /webhooks/stripe (verify + dedupe + durable enqueue)", ingest);
        for (Result x : List.of(b, i)) {
            System.out.printf("| %s | %d | %d | %.0f | %.2f | %.2f |%n", x.name(), x.requests(), x.errors(),
                    x.throughput(), x.pct(50), x.pct(99));
        }
        System.out.printf("%nIngest / baseline: throughput %.2f, p50 latency %.2fx, p99 latency %.2fx%n",
                i.throughput() / b.throughput(), i.pct(50) / b.pct(50), i.pct(99) / b.pct(99));
    }

    static Result merge(String name, List<Result> parts) {
        int n = parts.stream().mapToInt(Result::requests).sum();
        long errors = parts.stream().mapToLong(Result::errors).sum();
        double seconds = parts.stream().mapToDouble(Result::seconds).sum();
        long[] all = parts.stream().flatMapToLong(p -> Arrays.stream(p.latenciesMicros())).toArray();
        return new Result(name, n, errors, seconds, all);
    }

    static Result run(HttpClient client, String url, String template, String secret, int requests, int concurrency,
                      String name) throws Exception {
        long[] lat = new long[requests];
        AtomicInteger next = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int c = 0; c < concurrency; c++) {
            fs.add(pool.submit(() -> {
                int k;
                while ((k = next.getAndIncrement()) < requests) {
                    byte[] body = template.replace("evt_1RyZqHLkdIwHu7ixd5xA2yQp", "evt_bench_" + EVENT.incrementAndGet())
                            .getBytes(StandardCharsets.UTF_8);
                    HttpRequest req = HttpRequest.newBuilder(URI.create(url))
                            .header("Content-Type", "application/json; charset=utf-8")
                            .header("Stripe-Signature", sign(body, secret))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<Void> resp = client.send(req, HttpResponse.BodyHandlers.discarding());
                        if (resp.statusCode() != 200) {
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

    static String sign(byte[] body, String secret) {
        try {
            long t = Instant.now().getEpochSecond();
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
            return "t=" + t + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
