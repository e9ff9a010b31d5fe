package dev.pasarela.pipeline;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the broker-side routings of concurrent sends together: each one submitted waits until a window
 * after the first of them has passed, then one thread runs them all, one after another, as Artemis's page
 * writer runs its writes: the window's own thread, or the executor given with the window's first routing
 * (the journal's append executor, {@link JournalAppendExecutor}). Routed on each sender's own request
 * thread, a journaled Stripe event cost ~30 µs more CPU (292-320 µs against 259-281), most of it the
 * request thread's (bench/RESULTS.md, "Sends routed together").
 * On the window's own thread the gateway's threads were put on a CPU as often as before, so that saving
 * was not fewer wake-ups; the likely reading, not measured, is that one thread running the same routing
 * code over and over runs it faster than request threads that each run it once between everything else.
 * On the journal's append executor they are put on a CPU ~2 fewer times per event (6.4-6.6 against
 * 8.2-8.8), and the broker's threads take ~20 µs less (bench/RESULTS.md, "Routings on the journal's append thread").
 *
 * <p>A routing must not block: the next ones wait behind it (so a send to a paging address, which may wait
 * for the page writer's credits, is left to its sender's thread). A routing that throws does not keep the
 * next ones from running. With a window of zero, and once closed, each routing runs on the thread that
 * submits it. Should two windows be given different executors (the journal's, then none while the broker
 * restarts), their runs may overlap; each routing still runs once.
 */
final class RoutingWindow implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RoutingWindow.class);

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

    /**
     * Runs the routing once the window that is open (or that this opens) has passed, after the routings
     * submitted before it; it must report its own outcome, nothing is returned here. The window's routings
     * run on {@code runOn} (given with the window's first one; null: on the window's own thread). It must
     * run tasks in the order given and not refuse one silently; a run it refuses by throwing (a
     * {@link RejectedExecutionException}: its pool shut down) runs on the window's thread.
     */
    void submit(Runnable routing, Executor runOn) {
        if (router == null || closed) {
            routing.run();
            return;
        }
        pending.add(routing);
        if (scheduled.compareAndSet(false, true)) {
            try {
                router.schedule(() -> handOver(runOn), windowNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException stopping) {
                // closed meanwhile: nothing will run them, so the caller does
                scheduled.set(false);
                runPending();
            }
        }
    }

    private void handOver(Executor runOn) {
        if (runOn == null) {
            runPending();
            return;
        }
        try {
            runOn.execute(this::runPending);
        } catch (Throwable refused) { // RejectedExecutionException: its pool shut down
            runPending(); // here, where each routing still answers its sender, and the next window is scheduled
            if (refused instanceof Error error) {
                throw error;
            }
        }
    }

    private void runPending() {
        // cleared before taking: a routing added from here on schedules the next run
        scheduled.set(false);
        Runnable routing;
        while ((routing = pending.poll()) != null) {
            try {
                routing.run();
            } catch (Throwable e) { // the routing has answered its sender; the ones after it still run
                log.error("A broker-side routing failed", e); // an Error: route() answers every Exception itself
            }
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
