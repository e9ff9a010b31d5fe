import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.store.ExpiringKeys;
import dev.pasarela.store.embedded.RocksDocumentStore;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * What a webhook's dedupe check costs the embedded store once it holds many event ids: the store
 * (the gateway's own RocksDocumentStore and its key set, from the class path given) is filled with
 * {@code keys} ids in batches of 512, as the dedupe key writer adds them, then asked for ids it does
 * not hold (every new event's check is one) and for ids it holds (a provider's retry), by
 * {@code threads} threads for {@code seconds} each. Prints lookups/s, process CPU per lookup, the
 * store's size on disk and its memory outside the heap. Exits 1 when any answer is wrong (an id
 * never added found, or one added not found). Run by bench/store-key-lookups.sh.
 */
public class StoreKeyLookups {

    static final int BATCH = 512;

    public static void main(String[] args) throws Exception {
        long keys = Long.parseLong(args[0]);
        int seconds = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        String keep = System.getenv("KEEP"); // the store is left there, for bench/ingest.sh's SEED_STORE
        Path dir = keep == null || keep.isBlank() ? Files.createTempDirectory("store-key-lookups") : Path.of(keep);
        boolean lookupsOnly = "1".equals(System.getenv("LOOKUPS_ONLY")); // KEEP's store, filled by an earlier run
        if (lookupsOnly && (keep == null || keep.isBlank() || !Files.isDirectory(dir))) {
            throw new IllegalArgumentException("LOOKUPS_ONLY=1 needs KEEP=<a store filled by an earlier run>");
        }
        if (Files.isDirectory(dir) && keep != null && !keep.isBlank() && !lookupsOnly) {
            try (Stream<Path> in = Files.list(dir)) {
                if (in.findAny().isPresent()) {
                    throw new IllegalArgumentException("KEEP=" + dir + " is not empty: the ids would be found already there");
                }
            }
        }
        boolean wrong;
        try {
            wrong = run(dir, keys, seconds, threads, lookupsOnly);
        } finally {
            if (keep == null || keep.isBlank()) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        if (wrong) {
            System.out.println("WRONG: an answer was not the expected one");
            System.exit(1);
        }
    }

    /** True when an answer was wrong. */
    static boolean run(Path dir, long keys, int seconds, int threads, boolean lookupsOnly) throws Exception {
        try (RocksDocumentStore store = RocksDocumentStore.open(dir, new ObjectMapper())) {
            ExpiringKeys ids = store.expiringKeys("webhooks").orElseThrow();
            if (lookupsOnly && (!ids.contains(key(keys - 1)) || ids.contains(key(keys)))) {
                throw new IllegalArgumentException("the store at " + dir + " does not hold exactly the ids 0 to "
                        + (keys - 1) + " of an earlier run with the same count");
            }
            boolean wrong = !lookupsOnly && fill(ids, keys);
            wrong |= lookups("misses (new events)", ids, keys, seconds, threads, false);
            wrong |= lookups("hits (retries)", ids, keys, seconds, threads, true);
            RocksDocumentStore.Memory m = store.memory();
            System.out.printf("store: %.0f MB on disk; outside the heap: memtables %.1f MB, block cache %.1f MB, "
                            + "index and filter blocks %.1f MB%n", size(dir) / 1e6, m.memtables() / 1e6,
                    m.blockCache() / 1e6, m.tableReaders() / 1e6);
            return wrong;
        }
    }

    /** Adds the ids 0 to keys - 1 in batches; true when one was found already there. */
    static boolean fill(ExpiringKeys ids, long keys) {
        long cpu0 = cpu(), t0 = System.nanoTime();
        List<String> batch = new ArrayList<>(BATCH);
        Instant now = Instant.now();
        long present = 0;
        for (long i = 0; i < keys; i++) {
            batch.add(key(i));
            if (batch.size() == BATCH || i == keys - 1) {
                present += ids.addAll(batch, now).stream().filter(o -> !o.added()).count();
                batch.clear();
            }
            if ((i + 1) % 2_000_000 == 0) {
                System.out.printf("  %,d ids after %.0f s%n", i + 1, (System.nanoTime() - t0) / 1e9);
            }
        }
        double fillSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("filled: %,d ids in %.1f s = %,.0f ids/s, %.1f µs CPU per id; %d found already there%n",
                keys, fillSeconds, keys / fillSeconds, (cpu() - cpu0) / 1e3 / keys, present);
        return present > 0;
    }

    /** An event id of Stripe's shape, the same for the same i. */
    static String key(long i) {
        SplittableRandom r = new SplittableRandom(i * 0x9E3779B97F4A7C15L + 7);
        return "stripe:evt_" + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() >>> 16);
    }

    static boolean lookups(String what, ExpiringKeys ids, long keys, int seconds, int threads, boolean held)
            throws InterruptedException {
        AtomicLong done = new AtomicLong(), wrong = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long cpu0 = cpu(), t0 = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                long n = 0, bad = 0;
                while ((n & 255) != 0 || System.nanoTime() < end) {
                    long i = held ? random.nextLong(keys) : keys + random.nextLong(Long.MAX_VALUE / 4);
                    if (ids.contains(key(i)) != held) {
                        bad++;
                    }
                    n++;
                }
                done.addAndGet(n);
                wrong.addAndGet(bad);
            });
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            w.join();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s: %,d lookups in %.1f s = %,.0f lookups/s, %.2f µs CPU per lookup; wrong: %d%n", what,
                done.get(), s, done.get() / s, (cpu() - cpu0) / 1e3 / done.get(), wrong.get());
        return wrong.get() > 0;
    }

    static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static long size(Path dir) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
