import dev.pasarela.store.jdbc.JdbcExpiringKeys;
import java.nio.file.*;
import java.time.Instant;
import java.util.*;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * What a batch of dedupe keys costs the key table on PostgreSQL (where replicas keep the webhooks' event
 * ids) when it holds a key already there (a provider's retry another replica took): JdbcExpiringKeys.addAll
 * of 512 new keys and 1 known, against 513 new, in a schema of its own dropped afterwards. Prints the
 * medians; fails when an outcome is wrong. Run by bench/key-batch-cost.sh.
 */
public class KeyBatchCost {
    public static void main(String[] a) throws Exception {
        String schema = "keybatch_" + System.nanoTime();
        String url = System.getenv().getOrDefault("PGURL", "jdbc:postgresql://127.0.0.1:5432/postgres");
        new JdbcTemplate(new DriverManagerDataSource(url, "postgres", "")).execute("CREATE SCHEMA " + schema);
        var ds = new DriverManagerDataSource(url + "?currentSchema=" + schema, "postgres", "");
        try {
            new JdbcTemplate(ds).execute(Files.readString(Path.of(a[1])));
            var keys = new JdbcExpiringKeys(ds, "CAMEL_MESSAGEPROCESSED", "bench");
            int rounds = Integer.parseInt(a[0]) + 5;
            List<Long> clean = new ArrayList<>(), dup = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                List<String> batch = fresh(513);
                long t = System.nanoTime(); keys.addAll(batch, Instant.now()); clean.add(System.nanoTime() - t);
                List<String> withKnown = fresh(512); withKnown.add(256, batch.get(0));
                t = System.nanoTime(); var out = keys.addAll(withKnown, Instant.now()); dup.add(System.nanoTime() - t);
                if (out.get(256) != dev.pasarela.store.ExpiringKeys.Outcome.PRESENT
                        || out.stream().filter(o -> o == dev.pasarela.store.ExpiringKeys.Outcome.ADDED).count() != 512) {
                    throw new AssertionError("wrong outcomes: the known key not told present, or a new one not added");
                }
            }
            System.out.printf("513 new keys: median %.1f ms; 512 new and 1 known: median %.1f ms (%d rounds after 5 of warm-up)%n",
                    median(clean.subList(5, rounds)), median(dup.subList(5, rounds)), rounds - 5);
        } finally {
            new JdbcTemplate(ds).execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }
    static List<String> fresh(int n) { List<String> l = new ArrayList<>(); for (int i = 0; i < n; i++) l.add("stripe:evt_" + UUID.randomUUID()); return l; }
    static double median(List<Long> l) { var s = new ArrayList<>(l); Collections.sort(s); return s.get(s.size() / 2) / 1e6; }
}
