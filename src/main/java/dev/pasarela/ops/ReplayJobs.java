package dev.pasarela.ops;

import dev.pasarela.api.ProblemException;
import dev.pasarela.ops.DeadLetterService.ReplayFilter;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Replays by filter as background jobs, one at a time, so an operator can replay thousands of
 * dead letters without holding a request thread. A job takes the ids matching its filter when it
 * starts (a message that fails again during the job comes back with a new id and waits for the
 * next job) and moves them in batches of {@code pasarela.replay.max-ids}, each message in its own
 * JMS transaction. Jobs live in memory: a restart stops a running job and forgets finished ones;
 * running the same filter again replays what is left, and a replayed event already applied
 * changes nothing (per-event markers).
 */
@Service
public class ReplayJobs {

    private static final Logger log = LoggerFactory.getLogger(ReplayJobs.class);

    public enum State { QUEUED, RUNNING, DONE, FAILED, STOPPED }

    /** A job's progress, as {@code GET /ops/dlq/replays/{id}} shows it. */
    public record Progress(String id, ReplayFilter filter, State state, int matched, int replayed, int notFound,
                           int skipped, int notReached, Instant createdAt, Instant startedAt, Instant finishedAt, String error) {}

    private final DeadLetterService deadLetters;
    private final ReplayProperties limits;
    private final Clock clock;
    private final ThreadPoolExecutor executor;
    private final Map<String, Job> jobs = new LinkedHashMap<>();

    public ReplayJobs(DeadLetterService deadLetters, ReplayProperties limits, Clock clock) {
        this.deadLetters = deadLetters;
        this.limits = limits;
        this.clock = clock;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                limits.maxQueuedJobs() == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(limits.maxQueuedJobs()),
                r -> {
                    Thread t = new Thread(r, "dlq-replay");
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Accepts a job for the filter, or refuses with 409 when the running job has enough waiting behind it. */
    public Progress start(ReplayFilter filter) {
        deadLetters.check(filter);
        Job job = new Job(UUID.randomUUID().toString(), filter, clock.instant());
        synchronized (jobs) {
            try {
                executor.execute(() -> run(job));
            } catch (RejectedExecutionException busy) {
                throw new ProblemException(409, "replay-busy", "Replay jobs busy",
                        "One replay job runs at a time and " + limits.maxQueuedJobs()
                                + " may wait; try again when one has finished (GET /ops/dlq/replays).");
            }
            jobs.put(job.id, job);
            forgetOldest();
        }
        return job.progress();
    }

    public Optional<Progress> get(String id) {
        synchronized (jobs) {
            return Optional.ofNullable(jobs.get(id)).map(Job::progress);
        }
    }

    /** Newest first. */
    public List<Progress> list() {
        synchronized (jobs) {
            List<Progress> out = new ArrayList<>(jobs.values().stream().map(Job::progress).toList());
            Collections.reverse(out);
            return out;
        }
    }

    private void forgetOldest() {
        var it = jobs.values().iterator();
        while (jobs.size() > limits.keptJobs() + limits.maxQueuedJobs() + 1 && it.hasNext()) {
            if (it.next().finished()) {
                it.remove();
            }
        }
    }

    private void run(Job job) {
        job.begin(clock.instant());
        try {
            List<String> ids = deadLetters.matching(job.filter);
            job.matched(ids.size());
            for (int i = 0; i < ids.size(); i += deadLetters.maxIds()) {
                if (Thread.currentThread().isInterrupted()) {
                    job.end(State.STOPPED, clock.instant(), "stopped by shutdown");
                    return;
                }
                DeadLetterService.Moved moved = deadLetters.move(job.filter.queue(),
                        ids.subList(i, Math.min(ids.size(), i + deadLetters.maxIds())));
                job.add(moved);
            }
            job.end(State.DONE, clock.instant(), null);
        } catch (RuntimeException e) {
            log.warn("replay job {} on {} failed: {}", job.id, job.filter.queue(), e.toString());
            job.end(State.FAILED, clock.instant(), "the broker failed during the replay; run the job again to replay the rest");
        }
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }

    private static final class Job {
        final String id;
        final ReplayFilter filter;
        final Instant createdAt;
        private State state = State.QUEUED;
        private int matched;
        private int replayed;
        private int notFound;
        private int skipped;
        private int notReached;
        private Instant startedAt;
        private Instant finishedAt;
        private String error;

        Job(String id, ReplayFilter filter, Instant createdAt) {
            this.id = id;
            this.filter = filter;
            this.createdAt = createdAt;
        }

        synchronized void begin(Instant at) {
            state = State.RUNNING;
            startedAt = at;
        }

        synchronized void matched(int n) {
            matched = n;
        }

        synchronized void add(DeadLetterService.Moved moved) {
            replayed += moved.replayed();
            notFound += moved.notFound().size();
            skipped += moved.skipped().size();
            notReached += moved.notReached().size();
        }

        synchronized void end(State s, Instant at, String why) {
            state = s;
            finishedAt = at;
            error = why;
        }

        synchronized boolean finished() {
            return finishedAt != null;
        }

        synchronized Progress progress() {
            return new Progress(id, filter, state, matched, replayed, notFound, skipped, notReached, createdAt, startedAt,
                    finishedAt, error);
        }
    }
}
