package dev.pasarela.messaging;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.pasarela.pipeline.errors.ErrorHandling;
import io.github.bucket4j.Bucket;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Shapes each sender (a number, a page) to its provider's rate without holding a consumer: every
 * message reserves the next free slot of its sender's bucket, in arrival order, so the slots are
 * distinct and the rate holds. A slot within {@link #INLINE_WAIT} is waited for here; a later one
 * sends the message back on its queue, due then (Artemis scheduled delivery, in the consumer's
 * transaction), so one sender's backlog never keeps another tenant's message waiting behind it.
 * Per JVM, like the throttle it replaces (docs/operations.md).
 */
@Component("senderShaping")
public class SenderShaping {

    /** The longest wait for a slot spent on the consumer thread. */
    public static final Duration INLINE_WAIT = Duration.ofMillis(20);
    /**
     * JMS property of a message put back for its slot: the delivery attempt the slot was reserved
     * for. Passes once; a retry or a redelivery is another attempt and reserves again.
     */
    static final String SLOT_FOR = "PasarelaSlotFor";
    /** Exchange property: the message was put back on its queue for its slot, not sent now. */
    public static final String LATER = "pasarelaShapedLater";

    private final MeterRegistry meters;
    /** Bounded; a sender's bucket stays while its messages (put back or new) keep coming. */
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(30)).build();

    public SenderShaping(MeterRegistry meters) {
        this.meters = meters;
    }

    /** Lets the message through now (at most {@link #INLINE_WAIT} later) or marks it {@link #LATER}. */
    public void shape(Exchange exchange, String channel, int rate) throws InterruptedException {
        String key = channel + '|' + exchange.getVariable(OutboundSteps.SENDER, String.class);
        int attempt = ErrorHandling.deliveryAttempt(exchange);
        Integer reservedFor = exchange.getIn().getHeader(SLOT_FOR, Integer.class);
        if (reservedFor != null && reservedFor == attempt) {
            buckets.getIfPresent(key); // its slot is now; keeps the bucket its later slots were taken from
            return;
        }
        long wait = buckets.get(key, k -> bucket(rate)).consumeIgnoringRateLimits(1);
        if (wait <= INLINE_WAIT.toNanos()) {
            TimeUnit.NANOSECONDS.sleep(wait);
            return;
        }
        exchange.getIn().setHeader(SLOT_FOR, attempt);
        // an instant on the broker's clock, not the gateway's injected one: the wait is what the bucket decided
        exchange.getIn().setHeader(ErrorHandling.SCHEDULED_DELIVERY,
                System.currentTimeMillis() + TimeUnit.NANOSECONDS.toMillis(wait));
        exchange.setProperty(LATER, true);
        meters.counter("pasarela.outbound.shaped-later", "channel", channel).increment();
    }

    /** One slot every 1/rate s and no burst: no second ever holds more than the rate (plus its edge). */
    static Bucket bucket(int rate) {
        if (rate < 1) {
            throw new IllegalArgumentException("rate must be at least 1 message per second, was " + rate);
        }
        return Bucket.builder().addLimit(l -> l.capacity(1).refillGreedy(rate, Duration.ofSeconds(1))).build();
    }
}
