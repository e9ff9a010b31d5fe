package dev.pasarela.pipeline;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the broker-side routings of concurrent sends together: each one submitted waits until a window
 * after the first of them has passed, then one thread runs them all, one after another. Artemis's page
 * writer runs its writes the same way. The journal's append executor and a queue's delivery task are
 * then woken about once per window, not once per message. Routing on each sender's own thread cost a
 * journaled webhook event ~30-40 µs more CPU (bench/RESULTS.md, "Sends routed together").
 *
 * <p>A routing must not block: the next ones wait behind it. With a window of zero, and once closed,
 * each routing runs on the thread that submits it.
 */
final class RoutingWindow implements AutoCloseable {

    private final long windowNanos;
    private final ScheduledExecutorService router;
    private final ConcurrentLinkedQueue<Runnable> pending = new ConcurrentLinkedQueue<>();
    /** A run is scheduled that has not yet started taking the pending routings. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile boolean closed;

    RoutingWindow(Duration window) {
        this.windowNanos = window.toNanos();
        this.router = windowNanos <= 0 ? null : Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "broker-side-routing");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Runs the routing within the window; it must report its own outcome, nothing is returned here. */
    void submit(Runnable routing) {
        if (router == null || closed) {
            routing.run();
            return;
        }
        pending.add(routing);
        if (scheduled.compareAndSet(false, true)) {
            try {
                router.schedule(this::runPending, windowNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException stopping) {
                // closed meanwhile: nothing will run them, so the caller does
                scheduled.set(false);
                runPending();
            }
        }
    }

    private void runPending() {
        // cleared before taking: a routing added from here on schedules the next run
        scheduled.set(false);
        Runnable routing;
        while ((routing = pending.poll()) != null) {
            routing.run();
        }
    }

    /** What is still waiting runs on the closing thread; later routings run on their own. */
    @Override
    public void close() {
        closed = true;
        if (router != null) {
            router.shutdown(); // a run already scheduled still runs; one in progress is not interrupted
        }
        runPending();
    }
}
