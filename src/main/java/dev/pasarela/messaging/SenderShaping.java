package dev.pasarela.messaging;

import dev.pasarela.pipeline.BucketStore;
import dev.pasarela.pipeline.throttle.SlotShaping;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Shapes each sender (a number, a page) to its provider's rate without holding a consumer
 * ({@link SlotShaping}): a message whose slot is later goes back on its queue, due then, so one
 * sender's backlog never keeps another tenant's message waiting behind it. With the buckets in
 * Redis every replica takes its slots from the same bucket per sender (docs/scale-out.md).
 */
@Component("senderShaping")
public class SenderShaping {

    /** Exchange property: the message was put back on its queue for its slot, not sent now. */
    public static final String LATER = SlotShaping.LATER;

    private final MeterRegistry meters;
    private final SlotShaping slots;

    public SenderShaping(MeterRegistry meters, BucketStore buckets) {
        this.meters = meters;
        this.slots = new SlotShaping(buckets.buckets("send"));
    }

    /**
     * Lets the message through with a slot at most {@link SlotShaping#INLINE_WAIT} away, waited for by
     * {@link #holdSlot} right before the provider call, or marks it {@link #LATER}.
     */
    public void shape(Exchange exchange, String channel, int rate) {
        String key = channel + '|' + exchange.getVariable(OutboundSteps.SENDER, String.class);
        if (slots.reserve(exchange, key, rate)) {
            meters.counter("pasarela.outbound.shaped-later", "channel", channel).increment();
        }
    }

    /**
     * Right before the provider call, after the send attempt's store transaction: true to call now
     * (the slot waited for, at most {@link SlotShaping#INLINE_WAIT}); false when the slot passed while the message
     * was held since (a stall) and it is marked {@link #LATER} for a new one, to go back on its queue
     * ({@link SlotShaping#holdSlot}); at most once per delivery attempt ({@code mayPutBack}).
     */
    public boolean holdSlot(Exchange exchange, String channel, boolean mayPutBack) throws InterruptedException {
        if (slots.holdSlot(exchange, mayPutBack)) {
            return true;
        }
        meters.counter("pasarela.outbound.shaped-later", "channel", channel).increment();
        return false;
    }
}
