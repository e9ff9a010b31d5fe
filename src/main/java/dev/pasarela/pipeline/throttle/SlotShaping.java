package dev.pasarela.pipeline.throttle;

import dev.pasarela.pipeline.BucketStore;
import dev.pasarela.pipeline.CallWindows;
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
    /** JMS property of a message put back for its slot: the slot, epoch millis (the instant it is due). */
    public static final String SLOT_AT = "PasarelaSlotAt";
    /** Exchange property: the message is to go back on its queue for its slot, not be processed now. */
    public static final String LATER = "pasarelaShapedLater";
    /** Exchange property: the {@link System#nanoTime()} of the slot a message let through holds. */
    static final String DUE = "pasarelaSlotDue";
    /** Exchange property: the key and rate the message's slot was reserved with ({@link #holdSlot}). */
    static final String RESERVED = "pasarelaSlotReserved";

    record Reservation(String key, long rate) {}

    private static final CallWindows.Call NOT_SHAPED = () -> { };

    private final BucketStore.Buckets buckets;
    private final CallWindows windows;

    /** Slots only: {@link #holdCall} is not for this one. */
    public SlotShaping(BucketStore.Buckets buckets) {
        this(buckets, null);
    }

    /** Slots, and the {@link CallWindows} of {@link #holdCall}: the rate as the called side counts it. */
    public SlotShaping(BucketStore.Buckets buckets, CallWindows windows) {
        this.buckets = buckets;
        this.windows = windows;
    }

    /**
     * Lets the message through now (at most {@link #INLINE_WAIT} later) and answers false, or marks
     * it {@link #LATER}, sets its due time and answers true.
     */
    public boolean shape(Exchange exchange, String key, long rate) throws InterruptedException {
        if (reserve(exchange, key, rate)) {
            return true;
        }
        awaitSlot(exchange);
        return false;
    }

    /**
     * {@link #shape} without the inline wait: a message let through holds a slot at most
     * {@link #INLINE_WAIT} away, waited for with {@link #awaitSlot} right before the call that is
     * shaped, so that what runs in between (a store transaction) does not delay the call past it.
     *
     * <p>A message back for its slot passes without reserving again only when it is on time: one
     * that comes back later than {@link #tolerance} (its consumers were busy, a provider stalled
     * them) reserves a new slot, else every message whose slot passed meanwhile would go out at once.
     */
    public boolean reserve(Exchange exchange, String key, long rate) {
        exchange.setProperty(RESERVED, new Reservation(key, rate));
        int attempt = ErrorHandling.deliveryAttempt(exchange);
        Integer reservedFor = exchange.getIn().getHeader(SLOT_FOR, Integer.class);
        Long slotAt = exchange.getIn().getHeader(SLOT_AT, Long.class);
        if (reservedFor != null && reservedFor == attempt && slotAt != null) {
            // the broker's clock and the slot's: both epoch millis, see below
            long late = System.currentTimeMillis() - slotAt;
            if (late <= tolerance(rate).toMillis()) {
                buckets.keep(bucketKey(key, rate)); // keeps the bucket its later slots were taken from
                exchange.setProperty(DUE, System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(late));
                return false;
            }
        }
        long wait = buckets.apply(bucketKey(key, rate), configuration(rate), b -> b.consumeIgnoringRateLimits(1));
        if (wait <= INLINE_WAIT.toNanos()) {
            exchange.setProperty(DUE, System.nanoTime() + wait);
            return false;
        }
        putBackFor(exchange, wait);
        return true;
    }

    /** Marks the message {@link #LATER}, due in {@code wait} ns, its slot then held for this delivery attempt. */
    private static void putBackFor(Exchange exchange, long wait) {
        // an instant on the broker's clock, not the gateway's injected one: the wait is what the bucket decided
        long due = System.currentTimeMillis() + TimeUnit.NANOSECONDS.toMillis(wait);
        exchange.getIn().setHeader(SLOT_FOR, ErrorHandling.deliveryAttempt(exchange));
        exchange.getIn().setHeader(SLOT_AT, due);
        exchange.getIn().setHeader(ErrorHandling.SCHEDULED_DELIVERY, due);
        exchange.setProperty(LATER, true);
    }

    /**
     * At the shaped call itself: true to make it now, once the slot {@link #reserve} let the message
     * through with is here (waited for, at most {@link #INLINE_WAIT}). When that slot passed more than
     * {@link #tolerance} ago (the message was held between its slot and the call: a slow store
     * commit, a stalled process), the calls held together would go out together; so the message takes
     * a new slot, and when that one is not near it is marked {@link #LATER} (to go back on its queue
     * for it) and the answer is false. {@code mayPutBack} false (it was put back so once already, for
     * this delivery attempt) only waits: a message goes round at most once, so a gateway slower than
     * its tolerance still sends.
     */
    public boolean holdSlot(Exchange exchange, boolean mayPutBack) throws InterruptedException {
        Long due = exchange.getProperty(DUE, Long.class);
        Reservation reserved = exchange.getProperty(RESERVED, Reservation.class);
        if (due != null && reserved != null && mayPutBack
                && System.nanoTime() - due > tolerance(reserved.rate()).toNanos()) {
            if (reserveAgain(exchange, reserved)) {
                return false;
            }
        }
        awaitSlot(exchange);
        return true;
    }

    /** {@link #reserve} a new slot in place of the one the message held. */
    private boolean reserveAgain(Exchange exchange, Reservation reserved) {
        exchange.removeProperty(DUE);
        exchange.getIn().removeHeader(SLOT_FOR);
        exchange.getIn().removeHeader(SLOT_AT);
        return reserve(exchange, reserved.key(), reserved.rate());
    }

    /**
     * {@link #holdSlot}, then the call's place in its key's {@link CallWindows window}, which is what
     * holds the rate wherever the provider counts it: the call to make now, to
     * {@link CallWindows.Call#leave() leave} once it is answered; or null when the message is marked
     * {@link #LATER}. Up to {@link #tolerance} in all is waited for a place here (and at most
     * {@link #INLINE_WAIT} for each slot). A window full for longer (the provider answers slowly,
     * calls went out late together) counts as a slot gone: the message takes a new one, as a message
     * late for its slot does (once, with {@code mayPutBack}); when the window is still full then, the
     * message goes back on its queue until a call can leave it, holding no slot: a sender whose
     * provider answers slowly keeps no more consumers than the calls its window lets in (up to its
     * rate, each until the call's timeout; docs/scale-out.md). Messages put back
     * for one full window come back together, and each takes a slot of the bucket then, so they leave
     * spaced at the rate, not together.
     */
    public CallWindows.Call holdCall(Exchange exchange, boolean mayPutBack) throws InterruptedException {
        if (!holdSlot(exchange, mayPutBack)) {
            return null;
        }
        Reservation reserved = exchange.getProperty(RESERVED, Reservation.class);
        if (reserved == null || windows == null) {
            return NOT_SHAPED; // never shaped: no key, no rate, no window
        }
        String key = bucketKey(reserved.key(), reserved.rate());
        long inlineLeft = tolerance(reserved.rate()).toNanos();
        boolean reservedAgain = !mayPutBack;
        while (true) {
            CallWindows.Admission admission = windows.enter(key, reserved.rate());
            if (admission.granted()) {
                return admission.call();
            }
            long wait = admission.retryIn().toNanos();
            if (wait <= inlineLeft) {
                inlineLeft -= wait;
                TimeUnit.NANOSECONDS.sleep(wait);
                continue;
            }
            if (!reservedAgain) {
                reservedAgain = true;
                if (reserveAgain(exchange, reserved)) {
                    return null;
                }
                awaitSlot(exchange);
                continue;
            }
            putBackUnreserved(exchange, wait);
            return null;
        }
    }

    /** Marks the message {@link #LATER}, due in {@code wait} ns, with no slot: it reserves one when it is back. */
    private static void putBackUnreserved(Exchange exchange, long wait) {
        exchange.getIn().removeHeader(SLOT_FOR);
        exchange.getIn().removeHeader(SLOT_AT);
        exchange.getIn().setHeader(ErrorHandling.SCHEDULED_DELIVERY,
                System.currentTimeMillis() + Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
        exchange.setProperty(LATER, true);
    }

    /** Waits for the slot {@link #reserve} let the message through with (never longer than {@link #INLINE_WAIT}). */
    public static void awaitSlot(Exchange exchange) throws InterruptedException {
        Long due = exchange.getProperty(DUE, Long.class);
        if (due != null) {
            exchange.removeProperty(DUE); // once: a retry in place of the shaped call does not wait again
            TimeUnit.NANOSECONDS.sleep(Math.min(due - System.nanoTime(), INLINE_WAIT.toNanos()));
        }
    }

    /**
     * How late a message back for its slot may still use it: one slot interval, so each message goes
     * out within its own slot's interval and a second holds at most one message more than the rate
     * (a window starting just inside one interval ends inside the rate-th next). At least
     * {@link #INLINE_WAIT}: above 50 per second the broker's scheduled delivery is not that much
     * more precise than an interval, and re-reserving for a few ms would send most messages round again.
     */
    static Duration tolerance(long rate) {
        return Duration.ofNanos(Math.max(TimeUnit.SECONDS.toNanos(1) / Math.max(rate, 1), INLINE_WAIT.toNanos()));
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
