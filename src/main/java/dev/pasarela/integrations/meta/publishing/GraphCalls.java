package dev.pasarela.integrations.meta.publishing;

import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * Runs a post's independent Graph calls (one per photo: uploads, containers, status reads) a few at
 * a time instead of one after another: ten photos cost about the time of three calls, which against
 * the real Graph (hundreds of milliseconds a call) is most of a post's publishing time. Bounded by
 * {@code pasarela.publishing.parallel-calls} per job, on a pool shared by the job consumers.
 */
@Component
class GraphCalls {

    /** One call's answer, or what it threw. */
    record Outcome<T>(T value, RuntimeException failure) {
        boolean ok() {
            return failure == null;
        }
    }

    private final ExecutorService pool;
    private final int perJob;

    GraphCalls(PublishingProperties props) {
        this.perJob = props.parallelCalls();
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(props.parallelCalls() * props.concurrency(), r -> {
            Thread t = new Thread(r, "publishing-call-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Every call's outcome, in order; waits for all of them (none is left running behind the job). */
    <T> List<Outcome<T>> all(List<Supplier<T>> calls) {
        List<Outcome<T>> out = new ArrayList<>(calls.size());
        for (int from = 0; from < calls.size(); from += perJob) {
            List<Future<T>> running = new ArrayList<>();
            for (Supplier<T> call : calls.subList(from, Math.min(calls.size(), from + perJob))) {
                running.add(pool.submit(call::get));
            }
            for (Future<T> f : running) {
                out.add(outcome(f));
            }
        }
        return out;
    }

    private static <T> Outcome<T> outcome(Future<T> f) {
        try {
            return new Outcome<>(f.get(), null);
        } catch (ExecutionException e) {
            return new Outcome<>(null, e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome<>(null, new IllegalStateException("interrupted"));
        }
    }

    /**
     * Makes the Graph id of every photo of {@code p} that has none ({@code make} is given the photo's
     * index), a few at a time; every id Meta gave is kept in one write, then the first failure is thrown.
     */
    Publication fillMissing(Publications publications, Publication p, IntFunction<String> make) {
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < p.photos().size(); i++) {
            if (p.mediaIds().get(i) == null) {
                missing.add(i);
            }
        }
        if (missing.isEmpty()) {
            return p;
        }
        List<Outcome<String>> made = all(missing.stream().<Supplier<String>>map(i -> () -> make.apply(i)).toList());
        Publication updated = publications.update(p.tenantId(), p.id(), c -> {
            Publication next = c.live();
            for (int k = 0; k < missing.size(); k++) {
                if (made.get(k).ok()) {
                    next = next.withMediaId(missing.get(k), made.get(k).value(), publications.clock().instant());
                }
            }
            return next;
        });
        throwFirstFailure(made);
        return updated;
    }

    /** The first failure among the outcomes, thrown; nothing when all succeeded. */
    static void throwFirstFailure(List<? extends Outcome<?>> outcomes) {
        for (Outcome<?> o : outcomes) {
            if (!o.ok()) {
                throw o.failure();
            }
        }
    }

    @PreDestroy
    void stop() {
        pool.shutdownNow();
    }
}
