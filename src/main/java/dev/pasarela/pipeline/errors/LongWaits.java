package dev.pasarela.pipeline.errors;

import dev.pasarela.pipeline.BrokerProperties;
import dev.pasarela.pipeline.Variables;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.jms.JmsEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Puts a message back on the queue it was consumed from, due at its {@code _AMQ_SCHED_DELIVERY}
 * ({@link ErrorHandling#SCHEDULED_DELIVERY}), without the broker holding it in its heap until then.
 * <p>
 * Artemis keeps every scheduled message in memory: one paged to disk is read back long before it
 * is due, and held outside the limits that bound what it reads back. A callback endpoint retried
 * for days, a tenant's burst shaped over hours or a month of scheduled posts would fill the heap
 * whatever {@code pasarela.broker.global-max-size} says (100,000 messages of 2 KB scheduled an hour
 * ahead took 376 MB of heap after a full GC, against 93 MB not scheduled: bench/RESULTS.md).
 * <p>
 * So only a message due within {@code pasarela.broker.schedule-in-memory-within} (W) is scheduled
 * on its queue. One due later goes to a waiting queue {@code wait.<n>} (n from 0 to
 * {@value #WAITING_QUEUES} - 1) for W·2ⁿ, the longest that does not pass its due time. Every message
 * of a waiting queue waits the same time, so the queue is in the order its messages leave; its one
 * consumer waits for the head's time and moves it on, in one JMS transaction, to the next waiting
 * queue or, once due within W, to its own queue, scheduled. A wait of an hour takes at most
 * {@value #WAITING_QUEUES} moves. Waiting queues are plain queues: durable, paged past the memory
 * limit like the others, and what is in them is seen on the console.
 */
@Component
public class LongWaits extends RouteBuilder {

    /** Sends the exchange's message back on the queue its JMS consumer reads, due at its scheduled delivery time. */
    public static final String PUT_BACK = "direct:pasarela.put-back";

    static final int WAITING_QUEUES = 10;
    static final String QUEUE_PREFIX = dev.pasarela.pipeline.Queues.WAITING_PREFIX;
    /** Where a message on a waiting queue goes once due: the queue it was put back on. */
    static final String WAITING_FOR = "PasarelaWaitingFor";
    /** When it is due there (epoch millis, the broker's clock, as {@code _AMQ_SCHED_DELIVERY}). */
    static final String DUE_AT = "PasarelaDueAt";
    /** When it leaves the waiting queue it is on. */
    static final String LEAVES_AT = "PasarelaLeavesAt";
    /** A message on a waiting queue that does not say where it goes (not put there by a gateway). */
    public static final String DEAD_LETTERS = "dlq.pasarela.wait";

    private static final Logger log = LoggerFactory.getLogger(LongWaits.class);
    private static final String NEXT_QUEUE = "pasarelaNextQueue";

    private final long within;

    public LongWaits(BrokerProperties broker) {
        this.within = broker.scheduleInMemoryWithin().toMillis();
    }

    @Override
    public void configure() {
        from(PUT_BACK).routeId("pasarela.put-back")
                // no handler: a send that fails fails the consumer's step, which rolls back or retries it
                .routeConfigurationId(ErrorHandling.DEAD_LETTER)
                .process(this::putBack)
                .toD("jms:queue:${exchangeProperty." + NEXT_QUEUE + "}").id("put-back-send");

        for (int n = 0; n < WAITING_QUEUES; n++) {
            from("jms:queue:" + QUEUE_PREFIX + n + "?transacted=true&lazyCreateTransactionManager=false"
                    + "&concurrentConsumers=1")
                    .routeId("pasarela.wait-" + n)
                    // no handler: a failed move rolls back, and the broker gives the message again after its
                    // redelivery delay; nothing is dropped
                    .routeConfigurationId(ErrorHandling.DEAD_LETTER)
                    // on this consumer's thread, its transaction open: the head is moved on, or rolled back
                    .delay(method(this, "untilLeaving")).syncDelayed().id("wait-" + n)
                    .process(this::moveOn)
                    .toD("jms:queue:${exchangeProperty." + NEXT_QUEUE + "}").id("move-on-" + n);
        }
    }

    /** The waiting queue for a message due in {@code remaining} ms, or -1 when it is due within W. */
    static int waitingQueue(long remaining, long within) {
        if (remaining <= within) {
            return -1;
        }
        int n = 63 - Long.numberOfLeadingZeros(remaining / within); // the largest W·2ⁿ ≤ remaining
        return Math.min(n, WAITING_QUEUES - 1);
    }

    /** How long waiting queue {@code n} holds a message. */
    static long delay(int n, long within) {
        return within << n;
    }

    void putBack(Exchange exchange) {
        if (!(exchange.getFromEndpoint() instanceof JmsEndpoint consumed)) {
            throw new IllegalStateException(PUT_BACK + " puts a message back on the queue it was consumed from; route "
                    + exchange.getFromRouteId() + " does not consume a queue");
        }
        String queue = consumed.getDestinationName();
        Long due = exchange.getIn().getHeader(ErrorHandling.SCHEDULED_DELIVERY, Long.class);
        route(exchange, queue, due == null ? 0 : due);
    }

    void moveOn(Exchange exchange) {
        Message in = exchange.getIn();
        String queue = in.getHeader(WAITING_FOR, String.class);
        if (queue == null || queue.isBlank()) {
            log.error("A message on {} does not say where it goes ({} missing): moved to {}",
                    ((JmsEndpoint) exchange.getFromEndpoint()).getDestinationName(), WAITING_FOR, DEAD_LETTERS);
            in.setHeader(Variables.H_FAILURE_CAUSE, "no " + WAITING_FOR + " header: not put there by a gateway");
            exchange.setProperty(NEXT_QUEUE, DEAD_LETTERS);
            return;
        }
        Long due = in.getHeader(DUE_AT, Long.class);
        route(exchange, queue, due == null ? 0 : due);
    }

    /** Used by the delay of a waiting queue's route: ms until its head leaves (none when it says nothing). */
    public long untilLeaving(Exchange exchange) {
        Long leaves = exchange.getIn().getHeader(LEAVES_AT, Long.class);
        return leaves == null ? 0 : Math.max(0, leaves - System.currentTimeMillis());
    }

    /** Its next queue: a waiting one, or its own scheduled at {@code due}. */
    private void route(Exchange exchange, String queue, long due) {
        Message in = exchange.getIn();
        // the broker's clock decides when a scheduled message is due: ours must be the same one
        long now = System.currentTimeMillis();
        int n = waitingQueue(due - now, within);
        if (n < 0) {
            in.removeHeader(WAITING_FOR);
            in.removeHeader(DUE_AT);
            in.removeHeader(LEAVES_AT);
            if (due > now) {
                in.setHeader(ErrorHandling.SCHEDULED_DELIVERY, due);
            } else {
                in.removeHeader(ErrorHandling.SCHEDULED_DELIVERY);
            }
            exchange.setProperty(NEXT_QUEUE, queue);
            return;
        }
        in.removeHeader(ErrorHandling.SCHEDULED_DELIVERY); // on a waiting queue, a plain message: paged, in order
        in.setHeader(WAITING_FOR, queue);
        in.setHeader(DUE_AT, due);
        in.setHeader(LEAVES_AT, now + delay(n, within));
        exchange.setProperty(NEXT_QUEUE, QUEUE_PREFIX + n);
    }
}
