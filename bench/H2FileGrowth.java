import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

/**
 * How the embedded H2 file grows under commits like the webhooks' dedupe keys' (bench/h2-file-growth.sh):
 * commits of 5 keys into a table shaped like CAMEL_MESSAGEPROCESSED at a fixed pace, the file's size
 * printed every {@code every} commits. Variants: {@code plain} (WRITE_DELAY=0, the gateway's URL: H2 runs
 * no background writer, so nothing compacts the file), {@code delay} (WRITE_DELAY=500, H2's default: its
 * background writer runs), {@code compactfile} (WRITE_DELAY=0, and {@code MVStore.compactFile(200)}, what a
 * close does, at each print), {@code retention0} (WRITE_DELAY=0 and RETENTION_TIME=0: old chunks reused at
 * once instead of after 45 s, which H2 keeps for a power cut's sake), {@code delaycheckpoint-retention0}
 * (WRITE_DELAY=500 so that the background writer runs, a CHECKPOINT after each commit so that it is
 * written before the next, and RETENTION_TIME=0). Exits 1 when the table does not hold every key committed.
 *
 * <pre>java -cp h2.jar bench/H2FileGrowth.java plain|delay|compactfile|retention0|delaycheckpoint-retention0 commits commits-per-second every</pre>
 */
public class H2FileGrowth {

    public static void main(String[] args) throws Exception {
        String variant = args[0];
        int commits = Integer.parseInt(args[1]);
        int perSecond = Integer.parseInt(args[2]);
        int every = Integer.parseInt(args[3]);
        Path dir = Files.createTempDirectory("h2-file-growth");
        String url = "jdbc:h2:file:" + dir + "/db;WRITE_DELAY=" + (variant.startsWith("delay") ? 500 : 0)
                + ";LOCK_TIMEOUT=10000" + (variant.endsWith("retention0") ? ";RETENTION_TIME=0" : "");
        long pace = perSecond > 0 ? 1_000_000_000L / perSecond : 0;
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            c.createStatement().execute("CREATE TABLE KEYS(PROCESSOR_NAME VARCHAR(255), MESSAGE_ID VARCHAR(100),"
                    + " CREATED_AT TIMESTAMP, PRIMARY KEY (PROCESSOR_NAME, MESSAGE_ID))");
            c.setAutoCommit(false);
            PreparedStatement insert = c.prepareStatement("INSERT INTO KEYS VALUES ('stripe', ?, CURRENT_TIMESTAMP)");
            long start = System.nanoTime();
            long compactNanos = 0;
            for (int i = 1; i <= commits; i++) {
                for (int k = 0; k < 5; k++) {
                    insert.setString(1, "evt_" + UUID.randomUUID());
                    insert.addBatch();
                }
                insert.executeBatch();
                c.commit();
                if (variant.startsWith("delaycheckpoint")) {
                    c.createStatement().execute("CHECKPOINT"); // the commit written now, as at WRITE_DELAY=0
                }
                if (i % every == 0) {
                    if (variant.equals("compactfile")) {
                        long before = System.nanoTime();
                        ((org.h2.engine.SessionLocal) c.unwrap(org.h2.jdbc.JdbcConnection.class).getSession())
                                .getDatabase().getStore().getMvStore().compactFile(200);
                        compactNanos += System.nanoTime() - before;
                    }
                    System.out.printf("%s commits=%d file_mb=%.1f elapsed_s=%.1f compacting_s=%.2f%n", variant, i,
                            Files.size(dir.resolve("db.mv.db")) / 1048576.0, (System.nanoTime() - start) / 1e9,
                            compactNanos / 1e9);
                }
                long due = start + i * pace;
                while (System.nanoTime() < due) {
                    LockSupport.parkNanos(due - System.nanoTime());
                }
            }
            try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM KEYS")) {
                rs.next();
                if (rs.getLong(1) != commits * 5L) {
                    System.out.println("WRONG: " + rs.getLong(1) + " keys in the table, " + commits * 5L + " committed");
                    System.exit(1);
                }
                System.out.println("keys committed and found: " + rs.getLong(1));
            }
        }
    }
}
