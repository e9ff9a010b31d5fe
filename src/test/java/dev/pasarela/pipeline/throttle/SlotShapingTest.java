package dev.pasarela.pipeline.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.pipeline.CallWindows;
import dev.pasarela.pipeline.MemoryBucketStore;
import dev.pasarela.pipeline.errors.ErrorHandling;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The slot checked again at the shaped call: a message held past it takes a new one, at most once. */
class SlotShapingTest {

    final SlotShaping shaping = new SlotShaping(new MemoryBucketStore().buckets("send"));
    final DefaultCamelContext camel = new DefaultCamelContext();

    static long slot(Exchange e) {
        return e.getIn().getHeader(ErrorHandling.SCHEDULED_DELIVERY, Long.class);
    }

    /** The message as the broker hands it back: its headers, none of the exchange's state. */
    Exchange putBack(Exchange e) {
        Exchange back = new DefaultExchange(camel);
        back.getIn().setHeaders(new HashMap<>(e.getIn().getHeaders()));
        return back;
    }

    @Test
    void aMessageHeldPastItsSlotBeforeTheCallTakesANewSlotButGoesRoundOnlyOnce() throws Exception {
        int rate = 10; // slots 100 ms apart, and 100 ms of tolerance
        Exchange held = new DefaultExchange(camel);
        assertThat(shaping.reserve(held, "whatsapp|number-c", rate)).as("its slot is now").isFalse();
        for (int i = 0; i < 5; i++) {
            shaping.reserve(new DefaultExchange(camel), "whatsapp|number-c", rate); // the next 500 ms of slots
        }
        Exchange twice = new DefaultExchange(camel);
        assertThat(shaping.reserve(twice, "whatsapp|number-c", rate)).isTrue();
        // a stall between the slot and the call (a slow commit, a paused process): its slot passed 150 ms ago
        held.setProperty(SlotShaping.DUE, System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(150));

        assertThat(shaping.holdSlot(held, true)).as("called now, with other calls held meanwhile").isFalse();
        assertThat(held.getProperty(SlotShaping.LATER)).isEqualTo(true);
        assertThat(slot(held)).as("a new slot after those reserved meanwhile").isGreaterThan(slot(twice));

        Exchange second = putBack(twice);
        shaping.reserve(second, "whatsapp|number-c", rate); // back for its slot
        assertThat(shaping.holdSlot(second, false)).as("put back once already: sent").isTrue();
    }

    /** A window answering each enter in turn "full, a place frees in …" (or, for null, "granted"); the last answer repeats. */
    static final class FullWindows implements CallWindows {
        final java.util.concurrent.atomic.AtomicInteger enters = new java.util.concurrent.atomic.AtomicInteger();
        final List<Duration> answers;

        FullWindows(Duration... answers) {
            this.answers = java.util.Arrays.asList(answers);
        }

        @Override
        public Admission enter(String key, long rate) {
            Duration next = answers.get(Math.min(enters.getAndIncrement(), answers.size() - 1));
            return next == null ? Admission.granted(() -> { }) : Admission.full(next);
        }
    }

    /**
     * Review of issue 15: a window full for an hour (a provider answering slowly) kept the consumer
     * waiting on it when the message had been put back once already. Now it goes back on its queue at
     * once, holding no slot, so that it reserves one when it is back.
     */
    @Test
    @Timeout(20)
    void aFullWindowNeverHoldsTheConsumerAndTheMessageGoesBackHoldingNoSlot() throws Exception {
        FullWindows full = new FullWindows(Duration.ofHours(1));
        SlotShaping shaping = new SlotShaping(new MemoryBucketStore().buckets("send"), full);
        int rate = 100; // slots 10 ms apart: the new slot taken with mayPutBack is waited for inline
        for (boolean mayPutBack : new boolean[] {true, false}) {
            Exchange e = new DefaultExchange(camel);
            assertThat(shaping.reserve(e, "whatsapp|number-w" + mayPutBack, rate)).isFalse();
            long before = System.currentTimeMillis();

            assertThat(shaping.holdCall(e, mayPutBack)).as("no call while the window is full").isNull();

            assertThat(e.getProperty(SlotShaping.LATER)).isEqualTo(true);
            assertThat(e.getIn().getHeader(SlotShaping.SLOT_FOR)).as("holds no slot").isNull();
            assertThat(e.getIn().getHeader(SlotShaping.SLOT_AT)).isNull();
            assertThat(slot(e)).as("due when a place can free").isGreaterThanOrEqualTo(before + Duration.ofMinutes(59).toMillis());
        }
        assertThat(full.enters.get()).as("a new slot tried once, with mayPutBack only: 2 + 1").isEqualTo(3);
    }

    /** A place that frees within the tolerance is waited for on the consumer. */
    @Test
    @Timeout(20)
    void aShortWaitForAPlaceIsSpentInline() throws Exception {
        FullWindows soon = new FullWindows(Duration.ofMillis(30), null);
        SlotShaping shaping = new SlotShaping(new MemoryBucketStore().buckets("send"), soon);
        Exchange e = new DefaultExchange(camel);
        shaping.reserve(e, "whatsapp|number-s", 10); // 100 ms of tolerance

        assertThat(shaping.holdCall(e, false)).isNotNull();
        assertThat(e.getProperty(SlotShaping.LATER)).isNull();
        assertThat(soon.enters.get()).isEqualTo(2);
    }
}
