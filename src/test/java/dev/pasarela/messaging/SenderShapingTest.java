package dev.pasarela.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.pipeline.errors.ErrorHandling;
import dev.pasarela.pipeline.MemoryBucketStore;
import dev.pasarela.pipeline.throttle.SlotShaping;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** Each message reserves its own slot; a later slot puts it back once, a retry reserves again. */
class SenderShapingTest {

    final SenderShaping shaping = new SenderShaping(new SimpleMeterRegistry(), new MemoryBucketStore());
    final DefaultCamelContext camel = new DefaultCamelContext();

    Exchange message(String sender) {
        Exchange e = new DefaultExchange(camel);
        e.setVariable(OutboundSteps.SENDER, sender);
        return e;
    }

    static boolean later(Exchange e) {
        return e.getProperty(SenderShaping.LATER) != null;
    }

    static long slot(Exchange e) {
        return e.getIn().getHeader(ErrorHandling.SCHEDULED_DELIVERY, Long.class);
    }

    /** The message as the broker hands it back: its headers, none of the exchange's state. */
    Exchange putBack(Exchange e) {
        Exchange back = new DefaultExchange(camel);
        back.getIn().setHeaders(new java.util.HashMap<>(e.getIn().getHeaders()));
        back.setVariable(OutboundSteps.SENDER, e.getVariable(OutboundSteps.SENDER));
        return back;
    }

    @Test
    void aSendersMessagesTakeDistinctSlotsAndOtherSendersAreNotHeld() throws Exception {
        Exchange first = message("number-a");
        Exchange second = message("number-a");
        Exchange third = message("number-a");
        shaping.shape(first, "whatsapp", 1);
        shaping.shape(second, "whatsapp", 1);
        shaping.shape(third, "whatsapp", 1);
        assertThat(later(first)).isFalse();
        assertThat(later(second)).isTrue();
        assertThat(later(third)).isTrue();
        assertThat(slot(third)).isGreaterThan(slot(second));

        Exchange other = message("number-b");
        shaping.shape(other, "whatsapp", 1);
        assertThat(later(other)).as("another sender's bucket").isFalse();
        Exchange samePageOtherChannel = message("number-a");
        shaping.shape(samePageOtherChannel, "messenger", 1);
        assertThat(later(samePageOtherChannel)).isFalse();
    }

    @Test
    void aMessagePutBackForItsSlotPassesOnceAndARetryReservesAgain() throws Exception {
        shaping.shape(message("number-c"), "whatsapp", 1);
        Exchange held = message("number-c");
        shaping.shape(held, "whatsapp", 1);
        assertThat(later(held)).isTrue();

        Exchange due = putBack(held);
        shaping.shape(due, "whatsapp", 1);
        assertThat(later(due)).as("its slot was reserved: no second wait").isFalse();

        Exchange retried = putBack(held);
        retried.getIn().setHeader("PasarelaRetries", 1); // the send failed and the broker retry brought it back
        shaping.shape(retried, "whatsapp", 1);
        assertThat(later(retried)).as("a retry is another attempt: it takes a slot of its own").isTrue();
        assertThat(slot(retried)).isGreaterThan(slot(held));
    }

    @Test
    void aMessageBackLaterThanOneSlotIntervalReservesANewSlotInsteadOfPassing() throws Exception {
        shaping.shape(message("number-d"), "whatsapp", 1);
        Exchange held = message("number-d");
        shaping.shape(held, "whatsapp", 1);
        assertThat(later(held)).isTrue();

        Exchange onTime = putBack(held);
        onTime.getIn().setHeader(SlotShaping.SLOT_AT, System.currentTimeMillis() - 500); // within its 1 s interval
        shaping.shape(onTime, "whatsapp", 1);
        assertThat(later(onTime)).as("back within its slot's interval: passes").isFalse();

        Exchange late = putBack(held);
        late.getIn().setHeader(SlotShaping.SLOT_AT, System.currentTimeMillis() - 1500); // its consumers were busy
        shaping.shape(late, "whatsapp", 1);
        assertThat(later(late)).as("its slot is gone: going now would bunch it with the next").isTrue();
        assertThat(slot(late)).isGreaterThan(slot(held));
    }
}
