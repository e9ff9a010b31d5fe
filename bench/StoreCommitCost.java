import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one outbound message costs the jdbc store on H2 (the embedded store until it moved to RocksDB),
 * by storage setting: 16 threads each doing
 * the statements the gateway's JdbcDocumentStore runs for an accept (the idempotency key read
 * FOR UPDATE, the message inserted, the conversation read and written, the key inserted: one commit)
 * and for its delivery (the message read FOR UPDATE and rewritten with one more status, twice: two
 * commits), on the gateway's schema (src/main/resources/schema.sql) and JDBC URL plus the variant's
 * settings. Prints messages/s, process CPU per message and bytes written per message
 * (/proc/self/io wchar). At the end H2 stops at once, writing nothing more ({@code SHUTDOWN IMMEDIATELY},
 * what a {@code kill -9} leaves); the run fails when a row or a status is then missing.
 * Run by bench/store-commit-cost.sh.
 */
public class StoreCommitCost {
    static final int THREADS = 16;

    public static void main(String[] args) throws Exception {
        String variant = args[0];
        int seconds = Integer.parseInt(args[1]);
        Path dir = Files.createTempDirectory("store-commit-cost");
        // the gateway's URL (application.yml), plus the variant's settings
        boolean groupFlush = variant.equals("group-flush");
        String url = "jdbc:h2:file:" + dir + "/pasarela;WRITE_DELAY=" + (groupFlush ? "60000" : "0") + ";LOCK_TIMEOUT=10000"
                + switch (variant) {
                    case "default", "varchar", "bytes" -> "";
                    // commits are made durable by CHECKPOINTs shared between concurrent committers (GroupFlush),
                    // not one store per commit; the background writer's own stores are left rare
                    case "group-flush" -> "";
                    case "lob-inline" -> ";MAX_LENGTH_INPLACE_LOB=1048576";
                    case "page-1k" -> ";PAGE_SIZE=1024";
                    case "no-compaction" -> ";AUTO_COMPACT_FILL_RATE=0";
                    default -> throw new IllegalArgumentException("variant " + variant);
                };
        // the gateway's schema, as Spring runs it at start (spring.sql.init)
        String schema = Files.readAllLines(Path.of(args[2])).stream().filter(l -> !l.trim().startsWith("--"))
                .collect(java.util.stream.Collectors.joining("\n"));
        if (variant.equals("varchar") || variant.equals("bytes")) {
            String text = schema.replaceFirst("(?m)^(\\s*data\\s+)TEXT\\b",
                    variant.equals("bytes") ? "$1VARBINARY" : "$1VARCHAR");
            if (text.equals(schema)) {
                throw new AssertionError("no 'data TEXT' column in " + args[2]);
            }
            schema = text;
        }
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            for (String statement : schema.split(";")) {
                if (!statement.isBlank()) {
                    s.execute(statement);
                }
            }
        }
        // held for the whole run, as the gateway's pool holds the database open: else the workers' last
        // close would write everything, and the check below could not see a commit that was never written
        Connection held = DriverManager.getConnection(url, "sa", "");
        AtomicLong started = new AtomicLong();
        AtomicLong measured = new AtomicLong();
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Thread thread = new Thread(() -> {
                try (Connection c = DriverManager.getConnection(url, "sa", "")) {
                    Statements st = new Statements(c, variant.equals("bytes"), groupFlush ? GROUP_FLUSH : null);
                    while (!stop.get()) {
                        long i = started.incrementAndGet();
                        st.acceptRetried(i);
                        st.deliver(i);
                        if (measuring.get()) {
                            measured.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(thread);
            thread.start();
        }
        Thread.sleep(seconds * 1000L / 2); // warm-up
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime(), wchar0 = wchar(), t0 = System.nanoTime();
        measuring.set(true);
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        long cpu1 = os.getProcessCpuTime(), wchar1 = wchar(), t1 = System.nanoTime();
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            throw new AssertionError("a transaction failed", failures.get(0));
        }
        long n = measured.get();
        long total = started.get();
        // what a kill -9 would leave: H2 stops without writing anything more
        try (Statement s = held.createStatement()) {
            s.execute("SHUTDOWN IMMEDIATELY");
        } catch (SQLException closedByTheShutdown) {
            // the connection it ran on is closed under it
        }
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            long messages = count(s, "SELECT COUNT(*) FROM pasarela_documents WHERE collection_path = 'tenants/t/messages'");
            long keys = count(s, "SELECT COUNT(*) FROM pasarela_documents WHERE collection_path = 'tenants/t/idempotencyKeys'");
            long delivered = count(s, "SELECT COUNT(*) FROM pasarela_documents WHERE collection_path = 'tenants/t/messages'"
                    + " AND " + (variant.equals("bytes") ? "UTF8TOSTRING(data)" : "data") + " LIKE '%\"submitted\"%'");
            if (messages != total || keys != total || delivered != total) {
                throw new AssertionError("after " + total + " messages: " + messages + " messages, " + keys
                        + " keys, " + delivered + " with both statuses");
            }
        }
        System.out.printf("%-13s %6.0f messages/s, %5.0f us CPU and %4.0f KB written per message (accept + delivery, 3 commits)%s%n",
                variant, n / ((t1 - t0) / 1e9), (cpu1 - cpu0) / 1e3 / n, (wchar1 - wchar0) / 1024.0 / n,
                groupFlush ? String.format(", %.1f commits per flush", 3.0 * total / GROUP_FLUSH.flushes.get()) : "");
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static long wchar() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
            if (line.startsWith("wchar:")) {
                return Long.parseLong(line.substring(6).trim());
            }
        }
        throw new IllegalStateException("no wchar in /proc/self/io");
    }

    static final GroupFlush GROUP_FLUSH = new GroupFlush();

    interface Flush {
        void run() throws SQLException;
    }

    /**
     * A commit returns once a flush that began after it has ended; one flush serves every commit made
     * before it began (a leader flushes, the others wait for it).
     */
    static final class GroupFlush {
        private long registered;
        private long flushedUpTo;
        private boolean flushing;
        final AtomicLong flushes = new AtomicLong();

        void awaitDurable(Flush flush) throws SQLException {
            long ticket;
            synchronized (this) {
                ticket = ++registered;
            }
            while (true) {
                long upTo;
                synchronized (this) {
                    while (flushing && flushedUpTo < ticket) {
                        try {
                            wait();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new SQLException("interrupted", e);
                        }
                    }
                    if (flushedUpTo >= ticket) {
                        return;
                    }
                    flushing = true;
                    upTo = registered;
                }
                boolean done = false;
                try {
                    flush.run();
                    flushes.incrementAndGet();
                    done = true;
                } finally {
                    synchronized (this) {
                        flushing = false;
                        if (done) {
                            flushedUpTo = Math.max(flushedUpTo, upTo);
                        }
                        notifyAll();
                    }
                }
            }
        }
    }

    /** The statements JdbcDocumentStore runs, with documents of the gateway's sizes. */
    static final class Statements {
        static final String TEXT = "x".repeat(400);
        final Connection c;
        /** The document kept as its UTF-8 bytes (a VARBINARY column), not as text. */
        final boolean bytes;
        /** Null: every commit stores (WRITE_DELAY=0), as the gateway's. */
        final GroupFlush flush;
        final PreparedStatement get, update, insert, checkpoint;

        Statements(Connection c, boolean bytes, GroupFlush flush) throws SQLException {
            this.c = c;
            this.bytes = bytes;
            this.flush = flush;
            checkpoint = c.prepareStatement("CHECKPOINT");
            c.setAutoCommit(false);
            get = c.prepareStatement("SELECT data FROM pasarela_documents WHERE path = ? FOR UPDATE");
            update = c.prepareStatement("UPDATE pasarela_documents SET data = ?, update_time = ? WHERE path = ?");
            insert = c.prepareStatement("INSERT INTO pasarela_documents(path, collection_path, data, update_time)"
                    + " VALUES (?, ?, ?, ?)");
        }

        /**
         * As the gateway's store runs a transaction: again when another writer created the same new
         * document first (two first messages to one conversation), up to 5 times.
         */
        void acceptRetried(long i) throws SQLException {
            for (int attempt = 1; ; attempt++) {
                try {
                    accept(i);
                    return;
                } catch (java.sql.SQLIntegrityConstraintViolationException conflict) {
                    c.rollback();
                    if (attempt == 5) {
                        throw conflict;
                    }
                }
            }
        }

        void accept(long i) throws SQLException {
            String id = "msg_" + java.util.UUID.randomUUID().toString().replace("-", "");
            String key = "tenants/t/idempotencyKeys/whatsapp-" + Long.toHexString(i) + "a".repeat(40);
            if (read(key) != null) {
                throw new AssertionError("key " + key + " exists");
            }
            write("tenants/t/messages/m" + i, "{\"id\":\"" + id + "\",\"direction\":\"outbound\",\"channel\":\"whatsapp\","
                    + "\"to\":\"+34600000000\",\"request\":{\"type\":\"text\",\"text\":{\"body\":\"" + TEXT + "\"}},"
                    + "\"status\":\"accepted\",\"statusAt\":\"2026-12-04T03:00:00Z\",\"statusHistory\":[{\"status\":"
                    + "\"accepted\",\"at\":\"2026-12-04T03:00:00Z\"}],\"createdAt\":\"2026-12-04T03:00:00.000000Z\","
                    + "\"conversationId\":\"whatsapp-34600000000\"}");
            String conversation = "tenants/t/conversations/whatsapp-" + ThreadLocalRandom.current().nextInt(2000);
            read(conversation);
            write(conversation, "{\"channel\":\"whatsapp\",\"contactId\":\"34600000000\",\"lastMessageAt\":"
                    + "\"2026-12-04T03:00:00.000000Z\",\"lastAgentReplyAt\":\"2026-12-04T03:00:00Z\"}");
            write(key, "{\"messageId\":\"" + id + "\",\"requestHash\":\"" + "b".repeat(64) + "\",\"createdAt\":"
                    + "\"2026-12-04T03:00:00Z\",\"expiresAt\":\"2026-12-05T03:00:00Z\"}");
            commit();
        }

        void commit() throws SQLException {
            c.commit();
            if (flush != null) {
                flush.awaitDurable(checkpoint::execute);
            }
        }

        void deliver(long i) throws SQLException {
            for (String status : List.of("sending", "submitted")) {
                String path = "tenants/t/messages/m" + i;
                String message = read(path);
                write(path, message.replace("}],", "},{\"status\":\"" + status + "\",\"at\":\"2026-12-04T03:00:01Z\"}],"));
                commit();
            }
        }

        String read(String path) throws SQLException {
            get.setString(1, path);
            try (ResultSet rs = get.executeQuery()) {
                return !rs.next() ? null
                        : bytes ? new String(rs.getBytes(1), java.nio.charset.StandardCharsets.UTF_8) : rs.getString(1);
            }
        }

        void setData(PreparedStatement statement, int index, String data) throws SQLException {
            if (bytes) {
                statement.setBytes(index, data.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } else {
                statement.setString(index, data);
            }
        }

        /** As JdbcDocumentStore.write: an update, and an insert when no row was there. */
        void write(String path, String data) throws SQLException {
            Timestamp now = new Timestamp(System.currentTimeMillis());
            setData(update, 1, data);
            update.setTimestamp(2, now);
            update.setString(3, path);
            if (update.executeUpdate() == 0) {
                insert.setString(1, path);
                insert.setString(2, path.substring(0, path.lastIndexOf('/')));
                setData(insert, 3, data);
                insert.setTimestamp(4, now);
                insert.executeUpdate();
            }
        }
    }
}
