package dev.pasarela.pipeline.deliver;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;

/**
 * Inserts the dedupe keys of concurrent webhook requests in one transaction (a group commit). Each
 * request still waits until its own key is committed, so its 2xx means "remembered" exactly as
 * before; but the requests in flight share one commit instead of paying one each. On the embedded
 * database a commit writes a chunk of the file (H2, {@code WRITE_DELAY=0}): one per event took a
 * fifth of the ingest CPU.
 * <p>
 * A key that is already there answers {@code false} (a duplicate), as does the second of two
 * requests for one key in the same batch. When a batch fails, its keys are inserted one by one, so
 * one bad key fails only its own request.
 */
final class DedupeKeyWriter implements AutoCloseable {

    static final int MAX_BATCH = 256;
    private static final long WAIT_SECONDS = 30;
    private static final String INSERT =
            "INSERT INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt) VALUES (?, ?, ?)";

    private record Pending(String key, CompletableFuture<Boolean> inserted) {}

    private final DataSource dataSource;
    private final String processor;
    private final Clock clock;
    private final BlockingQueue<Pending> pending = new LinkedBlockingQueue<>();
    private volatile boolean running;
    private volatile Thread thread;

    DedupeKeyWriter(DataSource dataSource, String processor, Clock clock) {
        this.dataSource = dataSource;
        this.processor = processor;
        this.clock = clock;
    }

    synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "dedupe-key-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** True when the key was inserted, false when it was there already; throws when it could not be written. */
    boolean add(String key) {
        if (!running) {
            throw new IllegalStateException("the dedupe key writer is stopped");
        }
        Pending p = new Pending(key, new CompletableFuture<>());
        pending.add(p);
        Thread writer = thread;
        if (!running || writer == null || !writer.isAlive()) { // stopped meanwhile: nobody would write it
            pending.remove(p);
            throw new IllegalStateException("the dedupe key writer is stopped");
        }
        try {
            return p.inserted().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new DedupeWriteException(e.getCause());
        } catch (TimeoutException e) {
            throw new DedupeWriteException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DedupeWriteException(e);
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (running || !pending.isEmpty()) {
            try {
                Pending first = pending.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                pending.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Throwable e) { // never leave a request waiting, never let the thread die
                batch.forEach(p -> p.inserted().completeExceptionally(new DedupeWriteException(e)));
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Pending> batch) {
        Map<String, List<Pending>> byKey = new LinkedHashMap<>();
        batch.forEach(p -> byKey.computeIfAbsent(p.key(), k -> new ArrayList<>(1)).add(p));
        Timestamp now = Timestamp.from(clock.instant());
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                if (insertAll(connection, byKey.keySet(), now)) {
                    byKey.values().forEach(waiting -> answer(waiting, true));
                } else {
                    for (Map.Entry<String, List<Pending>> e : byKey.entrySet()) {
                        insertOne(connection, e.getKey(), now, e.getValue());
                    }
                }
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            batch.forEach(p -> p.inserted().completeExceptionally(new DedupeWriteException(e)));
        }
    }

    /** The whole batch in one statement batch and one commit; false (rolled back) when any insert failed. */
    private boolean insertAll(Connection connection, Iterable<String> keys, Timestamp now) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (String key : keys) {
                bind(insert, key, now);
                insert.addBatch();
            }
            insert.executeBatch();
            connection.commit();
            return true;
        } catch (SQLException e) {
            connection.rollback();
            return false;
        }
    }

    private void insertOne(Connection connection, String key, Timestamp now, List<Pending> waiting) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            bind(insert, key, now);
            insert.executeUpdate();
            connection.commit();
            answer(waiting, true);
        } catch (SQLException e) {
            connection.rollback();
            if (IdempotencyConfiguration.GuardedRepository.uniqueViolation(e)) {
                answer(waiting, false);
            } else {
                waiting.forEach(p -> p.inserted().completeExceptionally(new DedupeWriteException(e)));
            }
        }
    }

    private void bind(PreparedStatement insert, String key, Timestamp now) throws SQLException {
        insert.setString(1, processor);
        insert.setString(2, key);
        insert.setTimestamp(3, now);
    }

    /** The first request for a key inserted it; any other in the same batch is its duplicate. */
    private static void answer(List<Pending> waiting, boolean inserted) {
        for (int i = 0; i < waiting.size(); i++) {
            waiting.get(i).inserted().complete(inserted && i == 0);
        }
    }

    /** Stops taking keys and writes those already waiting before it returns. */
    @Override
    public synchronized void close() {
        running = false;
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
        Pending left;
        while ((left = pending.poll()) != null) {
            left.inserted().completeExceptionally(new IllegalStateException("the dedupe key writer stopped"));
        }
    }

    /** A key that could not be written: the cause is the database's (or a timeout). */
    static final class DedupeWriteException extends RuntimeException {
        DedupeWriteException(Throwable cause) {
            super(cause.getClass().getSimpleName(), cause);
        }
    }
}
