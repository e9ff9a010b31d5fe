package dev.pasarela.pipeline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@link CallWindows} of this JVM: the embedded default, and the fallback of a shared store that
 * cannot be reached. A window idle for 30 minutes is forgotten.
 */
public final class MemoryCallWindows implements CallWindows {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    /** Nanoseconds from an arbitrary origin, as {@link System#nanoTime()}: windows measure intervals, not dates. */
    private final Ticker ticker;
    private final Cache<String, Window> windows;

    public MemoryCallWindows() {
        this(Ticker.systemTicker());
    }

    MemoryCallWindows(Ticker ticker) {
        this.ticker = ticker;
        this.windows = Caffeine.newBuilder().ticker(ticker)
                .maximumSize(200_000).expireAfterAccess(Duration.ofMinutes(30)).build();
    }

    @Override
    public Admission enter(String key, long rate) {
        return windows.get(key, k -> new Window()).enter(rate);
    }

    private final class Window {
        private final Set<Call> inFlight = new HashSet<>();
        /** When the calls that left ended (the {@link #ticker}'s reading), oldest first: read under the lock, in order. */
        private final Deque<Long> ended = new ArrayDeque<>();

        synchronized Admission enter(long rate) {
            long now = ticker.read();
            while (!ended.isEmpty() && ended.peekFirst() <= now - SECOND) {
                ended.pollFirst();
            }
            if (inFlight.size() + ended.size() < rate) {
                Call call = new Call() {
                    @Override
                    public void leave() {
                        left(this);
                    }
                };
                inFlight.add(call);
                return Admission.granted(call);
            }
            // a call still in flight leaves a second after its answer at the soonest
            long soonest = ended.isEmpty() ? now + SECOND : ended.peekFirst() + SECOND;
            return Admission.full(Duration.ofNanos(Math.max(soonest - now, 1)));
        }

        synchronized void left(Call call) {
            if (inFlight.remove(call)) {
                ended.addLast(ticker.read());
            }
        }
    }
}
