package dev.pasarela.pipeline;

import dev.pasarela.config.SelfChecking;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DataSizeUnit;
import org.springframework.util.unit.DataSize;
import org.springframework.util.unit.DataUnit;

/**
 * The broker: the embedded one's settings, and how far ahead a message may be scheduled in any broker's memory.
 *
 * @param journalBufferTimeoutNs a webhook's 2xx waits for its journal sync, so the buffer is flushed
 *        sooner than Artemis's NIO default (3.3 ms); syncs are still batched across sends. Paged
 *        messages are synced as often.
 * @param globalMaxSize how much of the heap the queued messages may take before the broker pages
 *        further ones to disk (still synced before their 2xx); megabytes when no unit is given. Unset,
 *        {@link #DEFAULT_GLOBAL_MAX_SIZE} or an eighth of the heap, whichever is less. Artemis's own
 *        default is half the heap, which the gateway shares with Tomcat, Camel and the store: while a
 *        provider is down and its queue grows, the messages would fill that half and the collector
 *        would work on them
 * @param scheduleInMemoryWithin a message put back on its queue for later (a retry, a deferral, a
 *        shaped send, a publishing job's next step) due within this is scheduled on the broker, which
 *        holds every scheduled message in its heap, paged or not; one due later waits on the waiting
 *        queues of {@code dev.pasarela.pipeline.errors.LongWaits} (paged past the memory limit) until
 *        it is due within it
 * @param enqueueWindow how long a send made on the embedded broker's side ({@link BrokerSideEnqueue}: a
 *        webhook's event, an accepted message) waits for others to be routed with it, one after another,
 *        on the broker's journal's append executor ({@link JournalAppendExecutor}): a journaled webhook
 *        event ~30 µs less CPU under load, and the broker's threads ~20 µs less. Each such send's 2xx
 *        waits up to this much longer. 0 routes each on its sender's thread
 */
@ConfigurationProperties("pasarela.broker")
public record BrokerProperties(@DefaultValue("500000") @Positive int journalBufferTimeoutNs,
                               @DataSizeUnit(DataUnit.MEGABYTES) DataSize globalMaxSize,
                               @DefaultValue("10s") Duration scheduleInMemoryWithin,
                               @DefaultValue("500us") Duration enqueueWindow)
        implements SelfChecking {

    public static final DataSize DEFAULT_GLOBAL_MAX_SIZE = DataSize.ofMegabytes(128);

    /** Artemis reads a limit of 0 or below as none at all: the heap would hold any backlog. */
    @Override
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (globalMaxSize != null && globalMaxSize.toBytes() <= 0) {
            problems.add("PASARELA_BROKER_GLOBALMAXSIZE (pasarela.broker.global-max-size): must be positive, such as 128MB");
        }
        if (scheduleInMemoryWithin == null || scheduleInMemoryWithin.toMillis() <= 0) {
            problems.add("PASARELA_BROKER_SCHEDULEINMEMORYWITHIN (pasarela.broker.schedule-in-memory-within): must be"
                    + " positive, such as 10s");
        }
        if (enqueueWindow == null || enqueueWindow.isNegative() || enqueueWindow.compareTo(MAX_ENQUEUE_WINDOW) > 0) {
            problems.add("PASARELA_BROKER_ENQUEUEWINDOW (pasarela.broker.enqueue-window): must be from 0 to "
                    + MAX_ENQUEUE_WINDOW.toMillis() + "ms, such as 500us");
        }
        return problems;
    }

    /** A webhook's 2xx waits for the window: a provider's timeout is seconds, the window a fraction of a millisecond. */
    static final Duration MAX_ENQUEUE_WINDOW = Duration.ofMillis(100);

    /** The limit the broker is given, in bytes. */
    public long globalMaxSizeBytes() {
        return globalMaxSizeBytes(Runtime.getRuntime().maxMemory());
    }

    long globalMaxSizeBytes(long maxHeap) {
        return globalMaxSize != null ? globalMaxSize.toBytes()
                : Math.min(DEFAULT_GLOBAL_MAX_SIZE.toBytes(), maxHeap / 8);
    }
}
