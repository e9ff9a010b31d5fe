package dev.pasarela.pipeline.errors;

import dev.pasarela.pipeline.BrokerProperties;
import dev.pasarela.pipeline.Variables;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
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
 * ahead took 380 MB of heap after a full GC, against 100 MB not scheduled: bench/scheduled-heap.sh).
 * <p>
 * So only a message due within {@code pasarela.broker.schedule-in-memory-within} (W) is scheduled
 * on its queue. One due later goes to a waiting queue {@code wait.<n>} (n from 0 to
 * {@value #WAITING_QUEUES} - 1) for W·2ⁿ, the longest that does not pass its due time. Every message
 * of a waiting queue waits the same time, so the queue is in the order its messages leave; each of its
 * {@value #CONSUMERS} consumers takes the next head, waits for its time and moves it on, in one JMS
 * transaction, to the next waiting queue or, once due within W, to its own queue, scheduled. A wait of
 * an hour takes at most {@value #WAITING_QUEUES} moves. Waiting queues are plain queues: durable, held
 * in the heap up to the memory limit and paged past it like any other (read back only 1 MB ahead,
 * {@code QueueConfiguration}), and what is in them is seen on the console.
 */
@Component
public class LongWaits extends RouteBuilder {

    /** Sends the exchange's message back on the queue its JMS consumer reads, due at its scheduled delivery time. */
    public static final String PUT_BACK = "direct:pasarela.put-back";

    static final int WAITING_QUEUES = 10;
    /**
     * Per waiting queue and gateway: each waits for the head it took, so more of them move more messages a
     * second (a move is a receive and a send in one transaction) when a tenant's outage sends many their way.
     */
    static final int CONSUMERS = 4;
    /** How often a consumer waiting for its head looks whether the gateway is stopping. */
    private static final long STOP_CHECK_MS = 500;
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
    /** How late (ms) the head left its waiting queue: measured once its move is sent. */
    private static final String LATE_BY = "pasarelaLateBy";

    /** How late heads leave their waiting queue: the time from when they were due to leave until they are moved on. */
    static final String LATENESS = "pasarela.wait.lateness";

    private final long within;
    private final Clock clock;
    private final Timer[] lateness = new Timer[WAITING_QUEUES];

    public LongWaits(BrokerProperties broker, Clock clock, MeterRegistry meters) {
        this.within = broker.scheduleInMemoryWithin().toMillis();
        this.clock = clock;
        for (int n = 0; n < WAITING_QUEUES; n++) {
            // consumers that cannot keep up with an outage's moves make every long retry later than it
            // should be, not lost: this is where an operator sees it
            lateness[n] = Timer.builder(LATENESS).tag("queue", QUEUE_PREFIX + n)
                    .description("How long after its time a head left its waiting queue").register(meters);
        }
    }

    @Override
    public void configure() {
        from(PUT_BACK).routeId("pasarela.put-back")
                // no handler: a send that fails fails the consumer's step, which rolls back or retries it
                .routeConfigurationId(ErrorHandling.DEAD_LETTER)
                .process(this::putBack)
                .setExchangePattern(ExchangePattern.InOnly) // a JMSReplyTo it carries must not make the send wait for a reply
                .toD("jms:queue:${exchangeProperty." + NEXT_QUEUE + "}").id("put-back-send");

        for (int n = 0; n < WAITING_QUEUES; n++) {
            from("jms:queue:" + QUEUE_PREFIX + n + "?transacted=true&lazyCreateTransactionManager=false"
                    + "&concurrentConsumers=" + CONSUMERS)
                    .routeId("pasarela.wait-" + n)
                    // no handler: a failed move rolls back, and the broker gives the message again after its
                    // redelivery delay; nothing is dropped
                    .routeConfigurationId(ErrorHandling.DEAD_LETTER)
                    // on this consumer's thread, its transaction open: the head is moved on, or rolled back
                    .process(this::awaitLeaving).id("wait-" + n)
                    .process(this::moveOn)
                    .setExchangePattern(ExchangePattern.InOnly)
                    .toD("jms:queue:${exchangeProperty." + NEXT_QUEUE + "}").id("move-on-" + n)
                    .process(this::recordLateness); // a move that fails is rolled back, and measured when it is made
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
        Long due = millis(exchange.getIn(), ErrorHandling.SCHEDULED_DELIVERY);
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
        Long due = millis(in, DUE_AT);
        route(exchange, queue, due == null ? 0 : due);
    }

    /**
     * Waits until the head leaves its waiting queue, at most the queue's delay from now (a message put
     * there under another W, or by a gateway whose clock is ahead, holds the others no longer than that).
     * A gateway or route stopping meanwhile rolls it back: it stays on its queue, for the next consumer.
     */
    void awaitLeaving(Exchange exchange) throws InterruptedException {
        String queue = ((JmsEndpoint) exchange.getFromEndpoint()).getDestinationName();
        int n = Integer.parseInt(queue.substring(QUEUE_PREFIX.length()));
        Long leaves = millis(exchange.getIn(), LEAVES_AT);
        long until = Math.min(leaves == null ? 0 : leaves, clock.millis() + delay(n, within));
        long left = until - clock.millis();
        for (; left > 0; left = until - clock.millis()) {
            if (stopping(exchange)) {
                exchange.setRollbackOnly(true); // no further step runs; the consumer's transaction rolls back
                return;
            }
            Thread.sleep(Math.min(left, STOP_CHECK_MS));
        }
        if (leaves != null) { // a stray has no time to be late for
            exchange.setProperty(LATE_BY, -left);
        }
    }

    void recordLateness(Exchange exchange) {
        Long late = exchange.getProperty(LATE_BY, Long.class);
        if (late != null) {
            String queue = ((JmsEndpoint) exchange.getFromEndpoint()).getDestinationName();
            lateness[Integer.parseInt(queue.substring(QUEUE_PREFIX.length()))].record(late, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The gateway, or this route, is stopping: its consumer is told first, and its stop waits for the
     * message being processed, so this one must give its head back rather than wait for it to leave.
     */
    private static boolean stopping(Exchange exchange) {
        var context = exchange.getContext();
        if (context.isStopping() || context.isStopped()) {
            return true;
        }
        org.apache.camel.Route route = context.getRoute(exchange.getFromRouteId());
        return route == null || route.getConsumer() instanceof org.apache.camel.StatefulService consumer
                && (consumer.isStopping() || consumer.isStopped() || consumer.isSuspending() || consumer.isSuspended());
    }

    /** A header of epoch millis, or null when absent or not a number (then: due now, leaving now). */
    private static Long millis(Message message, String header) {
        Object value = message.getHeader(header);
        if (value instanceof Number number) {
            return number.longValue();
        }
        try {
            return value == null ? null : Long.valueOf(value.toString().trim());
        } catch (NumberFormatException e) {
            return null;
        }
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
        in.setHeader(LEAVES_AT, clock.millis() + delay(n, within)); // only gateways read it: the injected clock
        exchange.setProperty(NEXT_QUEUE, QUEUE_PREFIX + n);
    }
}
