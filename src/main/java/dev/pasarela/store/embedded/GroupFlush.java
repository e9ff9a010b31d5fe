package dev.pasarela.store.embedded;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes committed work durable in groups: {@link #awaitDurable} returns once a flush that began
 * after the call has ended. One flush serves every caller that arrived before it began; while it
 * runs, the next callers wait and the first of them to wake flushes for all of them (so at most one
 * flush runs at a time and none is started for a caller an earlier flush already covered).
 *
 * <p>A failed flush fails its own caller only; the callers it would have covered try again.
 */
public final class GroupFlush {

    /** The store's write of everything committed so far (H2's {@code CHECKPOINT}). */
    @FunctionalInterface
    public interface Flush {
        void run() throws SQLException;
    }

    private long arrived;
    private long flushedUpTo;
    private boolean flushing;
    private final AtomicLong flushes = new AtomicLong();

    /** Returns once what the caller committed before calling is in the store's file. */
    public void awaitDurable(Flush flush) throws SQLException {
        long upTo;
        synchronized (this) {
            long ticket = ++arrived;
            while (flushing && flushedUpTo < ticket) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted while its commit was being written", e);
                }
            }
            if (flushedUpTo >= ticket) {
                return;
            }
            flushing = true;
            upTo = arrived; // every caller so far committed before this flush begins
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

    /** Flushes run so far. */
    public long flushes() {
        return flushes.get();
    }

    /** Callers so far (each a commit or an auto-committed write). */
    public synchronized long callers() {
        return arrived;
    }
}
