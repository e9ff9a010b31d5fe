package dev.pasarela.pipeline.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.pipeline.MemoryBucketStore;
import dev.pasarela.pipeline.errors.ErrorHandling;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

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
}
