package dev.pasarela.pipeline.deliver;

import dev.pasarela.store.ExpiringKeys;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes the dedupe keys of accepted webhook events behind the requests: a key is remembered in
 * memory at once ({@link #isPending}) and inserted with the others of the next {@code writeDelay}
 * in one transaction, so the request does not wait for a commit and the keys share one.
 * <p>
 * Why a key need not be committed before the 2xx: it is written after the event is durably queued
 * (the idempotent consumer is not eager), so it never decides whether an event is kept, only
 * whether a later copy is queued again; and the sinks drop a copy by event key. What a
 * {@code kill -9} can forget is the keys not yet committed (normally those of the last
 * {@code writeDelay} and a commit; more while the database is behind, up to {@link #MAX_PENDING}),
 * whose events were acknowledged and which providers then do not send again. Why share a write: a
 * table's commit rewrites the pages it touched (on H2 at {@code WRITE_DELAY=0}, a key alone cost 220 µs,
 * one of a batch of 64 about 60 µs), and the embedded store's write of the log costs 35-55 µs of CPU
 * from many threads at once, far less from this one (bench/RESULTS.md, issue 14).
 * <p>
 * A key that is already there resolves {@code false} (a duplicate), as does a second submit of a
 * key still pending. A key the store refuses alone (too long for a table's column) fails only
 * itself. Beyond {@link #MAX_PENDING} keys waiting (the database is slow or gone), callers
 * are told so ({@link Submitted#backlogged}) and wait for their own commit, as before.
 */
final class DedupeKeyWriter implements AutoCloseable {

    static final int MAX_BATCH = 512;
    static final int MAX_PENDING = 20_000;

    /** A submitted key: its insert's outcome (true inserted, false already there) and whether to wait for it. */
    record Submitted(CompletableFuture<Boolean> inserted, boolean backlogged) {}

    /** A key taken and the future of its insert, together: a key may be taken again once resolved. */
    private record Pending(String key, CompletableFuture<Boolean> inserted) {}

    private final ExpiringKeys keys;
    private final Clock clock;
    private final long writeDelayNanos;
    private final ConcurrentHashMap<String, CompletableFuture<Boolean>> pending = new ConcurrentHashMap<>();
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private volatile boolean running;
    private volatile Thread thread;

    DedupeKeyWriter(ExpiringKeys keys, Clock clock, Duration writeDelay) {
        this.keys = keys;
        this.clock = clock;
        this.writeDelayNanos = writeDelay.toNanos();
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

    /** Takes the key for the next insert; a key already pending is a duplicate (resolved false). */
    Submitted submit(String key) {
        if (!running) {
            throw new IllegalStateException("the dedupe key writer is stopped");
        }
        CompletableFuture<Boolean> inserted = new CompletableFuture<>();
        if (pending.putIfAbsent(key, inserted) != null) {
            return new Submitted(CompletableFuture.completedFuture(false), false);
        }
        Pending taken = new Pending(key, inserted);
        queue.add(taken);
        Thread writer = thread;
        if (!running || writer == null || !writer.isAlive()) { // stopped meanwhile: nobody would write it
            queue.remove(taken);
            pending.remove(key, inserted);
            throw new IllegalStateException("the dedupe key writer is stopped");
        }
        return new Submitted(inserted, pending.size() > MAX_PENDING);
    }

    /** True while the key is taken but not yet committed (the database does not have it yet). */
    boolean isPending(String key) {
        return pending.containsKey(key);
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        // a writer left behind by a close() that timed out ends once another one is started
        while ((running || !queue.isEmpty()) && thread == Thread.currentThread()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                // the keys of the next moments share this commit; close() unparks (an interrupt
                // could reach the database's file channel and close it)
                long deadline = System.nanoTime() + writeDelayNanos;
                long left = writeDelayNanos;
                while (running && left > 0 && queue.size() < MAX_BATCH - 1) {
                    LockSupport.parkNanos(this, left);
                    left = deadline - System.nanoTime();
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Throwable e) { // never leave a key pending for ever, never let the thread die
                batch.forEach(p -> resolve(p, null, new DedupeWriteException(e)));
            } finally {
                batch.clear();
            }
        }
    }

    /** The batch in one write; a key the store refuses alone fails alone, a store unavailable fails them all. */
    private void write(List<Pending> batch) {
        List<ExpiringKeys.Outcome> outcomes;
        try {
            outcomes = keys.addAll(batch.stream().map(Pending::key).toList(), clock.instant());
        } catch (RuntimeException e) {
            batch.forEach(p -> resolve(p, null, new DedupeWriteException(e)));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            ExpiringKeys.Outcome outcome = outcomes.get(i);
            if (outcome.refused() == null) {
                resolve(batch.get(i), outcome.added(), null);
            } else {
                resolve(batch.get(i), null, new DedupeWriteException(outcome.refused()));
            }
        }
    }

    /**
     * Committed (or failed): the key leaves the pending set only now, so it is never in neither place;
     * only its own entry (the key may have been taken again since), and only once.
     */
    private void resolve(Pending p, Boolean inserted, Throwable failure) {
        if (p.inserted().isDone()) {
            return;
        }
        pending.remove(p.key(), p.inserted());
        if (failure == null) {
            p.inserted().complete(inserted);
        } else {
            p.inserted().completeExceptionally(failure);
        }
    }

    /** Stops taking keys and writes those already taken before it returns. */
    @Override
    public synchronized void close() {
        running = false;
        if (thread != null) {
            LockSupport.unpark(thread); // out of the write delay: what is queued is written now
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
        Pending left;
        while ((left = queue.poll()) != null) {
            resolve(left, null, new IllegalStateException("the dedupe key writer stopped"));
        }
    }

    /** A key that could not be written: the cause is the database's (or a timeout). */
    static final class DedupeWriteException extends RuntimeException {
        DedupeWriteException(Throwable cause) {
            super(innermost(cause).getClass().getSimpleName(), cause);
        }

        /** The database's own failure, under the store's wrapping of it. */
        private static Throwable innermost(Throwable e) {
            Throwable t = e;
            while (t.getCause() != null && t.getCause() != t) {
                t = t.getCause();
            }
            return t;
        }
    }
}
