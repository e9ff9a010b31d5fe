package dev.pasarela.pipeline.throttle;

import dev.pasarela.pipeline.BucketStore;
import dev.pasarela.pipeline.errors.ErrorHandling;
import io.github.bucket4j.BucketConfiguration;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;

/**
 * Shapes keyed streams of queued messages (a sender's sends, a tenant's events) to a rate without
 * holding a consumer: every message reserves the next free slot of its key's bucket, in arrival
 * order, so the slots are distinct and the rate holds. A slot within {@link #INLINE_WAIT} is waited
 * for on the consumer; a later one marks the message {@link #LATER} and due then (Artemis scheduled
 * delivery): the route puts it back on its queue, in the consumer's transaction, so one key's
 * backlog never keeps another key's message waiting behind it. Camel's throttle waited on the
 * consumer thread instead, and every consumer of a shared queue ended up waiting for one key.
 * The buckets are in this JVM or in Redis, shared by every replica ({@link BucketStore}); on Redis
 * each message costs one round trip (Bucket4j's compare-and-swap) and the replicas together hold
 * the rate (docs/scale-out.md).
 */
public final class SlotShaping {

    /** The longest wait for a slot spent on the consumer thread. */
    public static final Duration INLINE_WAIT = Duration.ofMillis(20);
    /**
     * JMS property of a message put back for its slot: the delivery attempt the slot was reserved
     * for. Passes once; a retry or a redelivery is another attempt and reserves again.
     */
    public static final String SLOT_FOR = "PasarelaSlotFor";
    /** Exchange property: the message is to go back on its queue for its slot, not be processed now. */
    public static final String LATER = "pasarelaShapedLater";

    private final BucketStore.Buckets buckets;

    public SlotShaping(BucketStore.Buckets buckets) {
        this.buckets = buckets;
    }

    /**
     * Lets the message through now (at most {@link #INLINE_WAIT} later) and answers false, or marks
     * it {@link #LATER}, sets its due time and answers true.
     */
    public boolean shape(Exchange exchange, String key, long rate) throws InterruptedException {
        int attempt = ErrorHandling.deliveryAttempt(exchange);
        Integer reservedFor = exchange.getIn().getHeader(SLOT_FOR, Integer.class);
        if (reservedFor != null && reservedFor == attempt) {
            buckets.keep(bucketKey(key, rate)); // its slot is now; keeps the bucket its later slots were taken from
            return false;
        }
        long wait = buckets.apply(bucketKey(key, rate), configuration(rate), b -> b.consumeIgnoringRateLimits(1));
        if (wait <= INLINE_WAIT.toNanos()) {
            TimeUnit.NANOSECONDS.sleep(wait);
            return false;
        }
        exchange.getIn().setHeader(SLOT_FOR, attempt);
        // an instant on the broker's clock, not the gateway's injected one: the wait is what the bucket decided
        exchange.getIn().setHeader(ErrorHandling.SCHEDULED_DELIVERY,
                System.currentTimeMillis() + TimeUnit.NANOSECONDS.toMillis(wait));
        exchange.setProperty(LATER, true);
        return true;
    }

    /** The rate is part of the key: a shared bucket's configuration is fixed when it is created. */
    static String bucketKey(String key, long rate) {
        return key + '|' + rate;
    }

    /**
     * One slot every 1/rate s and no burst: no second ever holds more than the rate (plus its edge).
     * The same on every replica, so a shared bucket means the same wherever it was created.
     */
    public static BucketConfiguration configuration(long rate) {
        if (rate < 1) {
            throw new IllegalArgumentException("rate must be at least 1 message per second, was " + rate);
        }
        return BucketConfiguration.builder()
                .addLimit(l -> l.capacity(1).refillGreedy(rate, Duration.ofSeconds(1))).build();
    }
}
