package dev.pasarela.messaging;

import dev.pasarela.pipeline.BucketStore;
import dev.pasarela.pipeline.CallWindows;
import dev.pasarela.pipeline.throttle.SlotShaping;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Shapes each sender (a number, a page) to its provider's rate without holding a consumer
 * ({@link SlotShaping}): a message whose slot is later goes back on its queue, due then, so one
 * sender's backlog never keeps another tenant's message waiting behind it; and each provider call
 * takes a place in its sender's {@link CallWindows call window}, so no second of the provider's holds
 * more than the rate, however late a call went out. With the buckets in Redis every replica takes its
 * slots and places from the same bucket and window per sender (docs/scale-out.md).
 */
@Component("senderShaping")
public class SenderShaping {

    /** Exchange property: the message was put back on its queue for its slot, not sent now. */
    public static final String LATER = SlotShaping.LATER;

    private final MeterRegistry meters;
    private final SlotShaping slots;

    public SenderShaping(MeterRegistry meters, BucketStore buckets) {
        this.meters = meters;
        this.slots = new SlotShaping(buckets.buckets("send"), buckets.windows("send"));
    }

    /**
     * Lets the message through with a slot at most {@link SlotShaping#INLINE_WAIT} away, waited for by
     * {@link #holdCall} right before the provider call, or marks it {@link #LATER}.
     */
    public void shape(Exchange exchange, String channel, int rate) {
        String key = channel + '|' + exchange.getVariable(OutboundSteps.SENDER, String.class);
        if (slots.reserve(exchange, key, rate)) {
            meters.counter("pasarela.outbound.shaped-later", "channel", channel).increment();
        }
    }

    /**
     * Right before the provider call, after the send attempt's store transaction: the call's place in
     * its sender's window, to {@link CallWindows.Call#leave() leave} once the provider answered (its
     * slot waited for, at most {@link SlotShaping#INLINE_WAIT}); or null when the slot passed while
     * the message was held since (a stall), or the window stays full for longer than a slot, and it
     * is marked {@link #LATER} to go back on its queue ({@link SlotShaping#holdCall}). A new slot is
     * taken at most once per delivery attempt ({@code mayPutBack}); a window still full sends the
     * message back holding none, however often: a slow provider holds no consumer beyond the calls
     * its sender's window lets in (up to the rate, see docs/scale-out.md).
     */
    public CallWindows.Call holdCall(Exchange exchange, String channel, boolean mayPutBack) throws InterruptedException {
        CallWindows.Call call = slots.holdCall(exchange, mayPutBack);
        if (call == null) {
            meters.counter("pasarela.outbound.shaped-later", "channel", channel).increment();
        }
        return call;
    }
}
