package dev.pasarela.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.io.IOCallback;
import org.apache.activemq.artemis.core.paging.PagingStore;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.core.persistence.StorageManager;
import org.apache.activemq.artemis.core.persistence.impl.journal.OperationContextImpl;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.impl.RoutingContextImpl;
import org.apache.activemq.artemis.utils.UUIDGenerator;
import jakarta.annotation.PreDestroy;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * A durable send to a queue of the embedded broker, made on the broker's own side: the message is
 * routed by its post office and the caller returns once the journal has synced it, the promise a
 * blocking durable JMS send gives (the broker answers that send from the same callback), without
 * the JMS client around it. Over the in-VM connector a send and its answer pass through four
 * threads and are encoded and decoded on the way; on this path they are not (bench/RESULTS.md,
 * "A webhook's enqueue routed on the broker's side").
 *
 * <p>It makes the same message Camel's JMS producer makes of a {@code byte[]} body with string
 * headers: a {@code BytesMessage}, durable, priority 4, anycast to the queue, each header a string
 * property under its own name, so the queue's consumers cannot tell the two apart. Whatever it
 * would have to make differently is left to that producer: {@link #send} answers false for an
 * external broker ({@link EmbeddedJmsBroker}: the JMS connection's, even with an embedded one
 * started beside it), a body the JMS client would send as a large message, a header that is not a
 * string or whose name Camel's binding encodes or treats apart ({@code Camel*}, {@code JMS*}), and
 * a queue that does not exist yet or that the message would reach no queue of (the JMS send creates
 * it, as the broker's auto-create settings say).
 */
@Component
public class BrokerSideEnqueue {

    /**
     * The JMS client's default {@code minLargeMessageSize}: above about this a body goes to a file of
     * its own. The client compares it with the body plus a 4-byte header, so a body of the last 4 bytes
     * below it is a large message there and a regular one here: the same on the queue to a consumer.
     */
    static final int LARGEST_BODY = 100 * 1024;
    /** The JMS client's default call timeout: how long a blocking send waits for the broker's answer. */
    static final long SYNC_TIMEOUT_MS = 30_000;

    private final EmbeddedJmsBroker broker;
    private final Clock clock;
    private final MeterRegistry meters;
    /** {@code pasarela.enqueue{queue,path}} per queue: the sends each path made; "jms" ones are the callers'. */
    private final Map<String, Counter[]> counters = new ConcurrentHashMap<>();

    /** Sends routed together, a window after the first (pasarela.broker.enqueue-window). */
    private final RoutingWindow routings;

    @Autowired
    public BrokerSideEnqueue(EmbeddedJmsBroker broker, Clock clock, MeterRegistry meters, BrokerProperties properties) {
        this(broker, clock, meters, properties.enqueueWindow());
    }

    public BrokerSideEnqueue(EmbeddedJmsBroker broker, Clock clock, MeterRegistry meters, Duration enqueueWindow) {
        this.broker = broker;
        this.clock = clock;
        this.meters = meters;
        this.routings = new RoutingWindow(enqueueWindow);
    }

    /**
     * A send still waiting for its window is routed now, on the closing thread; later ones on their own.
     * Should the broker have stopped first, they fail and their senders answer that nothing was queued.
     */
    @PreDestroy
    void close() {
        routings.close();
    }

    /**
     * Routes the exchange's message to {@code queue} and waits for its journal sync.
     *
     * @return true once the message is journaled; false when it was not sent, for the JMS producer to send
     * @throws BrokerUnavailableException when the broker refused or did not sync it: nothing may be acknowledged
     */
    public boolean send(Exchange exchange, String queue) {
        org.apache.camel.Message in = exchange.getMessage();
        if (in.getBody() instanceof byte[] body) {
            return send(queue, body, in.getHeaders());
        }
        count(queue, false); // a text body is a TextMessage there
        return false;
    }

    /**
     * The same for a body and headers as Camel's {@code sendBodyAndHeaders} would take them.
     *
     * @return true once the message is journaled; false when it was not sent, for the JMS producer to send
     * @throws BrokerUnavailableException when the broker refused or did not sync it: nothing may be acknowledged
     */
    public boolean send(String queue, byte[] body, Map<String, ?> headers) {
        boolean sent = sendHere(queue, body, headers);
        count(queue, sent);
        return sent;
    }

    private void count(String queue, boolean brokerSide) {
        Counter[] paths = counters.computeIfAbsent(queue, q -> new Counter[] {
                meters.counter("pasarela.enqueue", "queue", q, "path", "jms"),
                meters.counter("pasarela.enqueue", "queue", q, "path", "broker-side")});
        paths[brokerSide ? 1 : 0].increment();
    }

    private boolean sendHere(String queue, byte[] body, Map<String, ?> headers) {
        ActiveMQServer server = broker.running().orElse(null);
        if (server == null || body.length > LARGEST_BODY || !plainStringHeaders(headers)) {
            return false;
        }
        SimpleString address = SimpleString.of(queue); // the queue's name is its address (anycast)
        CoreMessage message;
        PagingStore pages;
        boolean paging;
        try {
            if (server.getPagingManager().isDiskFull()) {
                throw new BrokerUnavailableException("the broker's disk is full");
            }
            if (server.locateQueue(address) == null) {
                // not made yet: the JMS send makes it, as the broker's auto-create settings say (a
                // route to a missing queue could end on the dead-letter address instead)
                return false;
            }
            // made here, from the caller's body and headers, which the exchange may change once it moves on; its
            // id is given where it is routed, under the context its sender waits for (an id's checkpoint is a
            // journal record of the thread's context)
            message = message(address, body, headers);
            pages = server.getPagingManager().getPageStore(address);
            paging = pages.isPaging();
        } catch (BrokerUnavailableException e) {
            throw e;
        } catch (Exception e) { // also a broker stopping meanwhile: its storage and post office are gone
            throw new BrokerUnavailableException("the broker did not take the message: " + e, e);
        }
        // a paged message may wait in its route for the page store's locks and the page writer's credits: on
        // its sender's thread, not the shared one, where every other queue's sends (and, on the journal's
        // executor, every append of the broker) would wait behind it
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SYNC_TIMEOUT_MS); // one wait in all
        if (!paging) {
            // on the journal's append executor: the routing's two appends queue behind it there and run in
            // the same turn, instead of waking that executor once per message
            CompletableFuture<Routed> together = new CompletableFuture<>();
            routings.submit(() -> route(server, message, pages, together), JournalAppendExecutor.of(server).orElse(null));
            Routed routed = await(together, deadline);
            if (routed != Routed.PAGING) {
                return routed == Routed.JOURNALED;
            }
            if (Thread.currentThread().isInterrupted()) { // its sender gave up: not routed, so not queued
                throw new BrokerUnavailableException("interrupted while the broker journaled the message");
            }
        }
        CompletableFuture<Routed> own = new CompletableFuture<>();
        route(server, message, null, own);
        return await(own, deadline) == Routed.JOURNALED;
    }

    /** What became of a routing. */
    private enum Routed {
        /** Synced: the sender may acknowledge. */
        JOURNALED,
        /** Not sent, for the JMS producer to send. */
        NOT_SENT,
        /** Not routed: its address pages now; its sender routes it on its own thread. */
        PAGING
    }

    /**
     * On the journal's append executor (or the routing window's thread, or the caller's): routes the message,
     * and completes the outcome. Given {@code leftIfPaging}, a routing whose address pages by now is left to
     * its sender's thread ({@link Routed#PAGING}).
     *
     * <p>Nothing here waits for the journal's append executor (the appends take a callback; the id checkpoint
     * goes to the bindings journal's own), so running on it cannot deadlock it; anything that did (a broker
     * plugin's route hook calling a synced journal write, say; the gateway registers none) would hang it.
     * What may hold a routing there, and every append of the broker behind it:
     * <ul>
     * <li>a routing that finds the broker past its memory limit starts its address's paging, opening the
     *     first page file, on this thread (once per address; the sends after it are left to their senders);
     *     and should another sender start that paging between the check here and the post office's, the
     *     routing waits here for the page store's lock and the page writer's credits;</li>
     * <li>the storage's lock, which the broker takes whole only to stop (or to start replicating, which the
     *     embedded broker does not). Its stop then waits for the journal's executor up to the 10 s Artemis
     *     gives it, and the routing fails, answering its sender that nothing was queued. The gateway stops
     *     taking webhooks and API calls (graceful shutdown) and stops its routes before the broker.</li>
     * </ul>
     */
    private void route(ActiveMQServer server, CoreMessage message, PagingStore leftIfPaging,
                       CompletableFuture<Routed> outcome) {
        if (outcome.isDone()) {
            return; // its sender stopped waiting (await's timeout): it has answered that nothing was queued
        }
        OperationContext callers = OperationContextImpl.getContext(); // null unless a broker thread calls
        try {
            if (leftIfPaging != null && leftIfPaging.isPaging()) {
                outcome.complete(Routed.PAGING); // since it was submitted: to its sender's thread
                return;
            }
            StorageManager storage = server.getStorageManager();
            // the context's completions (the broker's own, which puts the message on its queue or, paged,
            // starts its delivery; then ours) run, as a direct executor, on the thread that completes the
            // write: the journal's flush thread after its sync (its append thread, holding the journal's
            // buffer, when the buffer fills), or the paging store's executor. A hand-off to the broker's
            // pool per message cost its threads 15-50 µs of CPU (bench/RESULTS.md, "The sync's
            // completion on the thread that reports it"). Nothing here may block or touch storage on that
            // thread: the route is not direct (no consumer is served there), and ours only completes a
            // future, on which nothing may be chained (it would run there too)
            OperationContext context = storage.newContext(Runnable::run);
            storage.setContext(context);
            message.setMessageID(storage.generateID());
            RoutingContextImpl routing = new RoutingContextImpl(null);
            RoutingStatus status = server.getPostOffice().route(message, routing, false);
            if (status == RoutingStatus.NO_BINDINGS || status == RoutingStatus.NO_BINDINGS_DLA) {
                // deleted since located. NO_BINDINGS_DLA (only with sendToDLAOnNoRoute, which the
                // gateway does not set): a copy is on the dead-letter address, a known duplicate there
                outcome.complete(Routed.NOT_SENT);
                return;
            }
            if (status != RoutingStatus.OK) {
                throw new BrokerUnavailableException("the broker did not route the message: " + status);
            }
            if (routing.getQueueCount() == 0) {
                outcome.complete(Routed.NOT_SENT); // only filtered or multicast bindings: nothing was stored
                return;
            }
            context.executeOnCompletion(new IOCallback() {
                @Override
                public void done() {
                    outcome.complete(Routed.JOURNALED);
                }

                @Override
                public void onError(int errorCode, String errorMessage) {
                    outcome.completeExceptionally(new BrokerUnavailableException(
                            "the broker could not journal the message (" + errorCode + "): " + errorMessage));
                }
            });
        } catch (BrokerUnavailableException e) {
            outcome.completeExceptionally(e);
        } catch (Throwable e) { // also a broker stopping meanwhile: its storage and post office are gone
            outcome.completeExceptionally(new BrokerUnavailableException("the broker did not take the message: " + e, e));
            if (e instanceof Error error) {
                throw error; // its sender has its answer now, not after the timeout; the error goes on to the thread
            }
        } finally {
            OperationContextImpl.setContext(callers);
        }
    }

    /**
     * What Camel's JMS binding writes unchanged: string values under names it neither encodes
     * ({@code .} and {@code -}) nor treats apart ({@code Camel*} it filters, {@code JMS*} and
     * {@code JMSX*} it maps onto the message's own fields).
     */
    static boolean plainStringHeaders(Map<String, ?> headers) {
        for (Map.Entry<String, ?> header : headers.entrySet()) {
            Object value = header.getValue();
            String name = header.getKey();
            if (value != null && !(value instanceof String) || name.indexOf('.') >= 0 || name.indexOf('-') >= 0
                    || name.regionMatches(true, 0, "Camel", 0, 5) || name.regionMatches(true, 0, "JMS", 0, 3)) {
                return false;
            }
        }
        return true;
    }

    private CoreMessage message(SimpleString queue, byte[] body, Map<String, ?> headers) {
        CoreMessage message = new CoreMessage(0, body.length + 512); // its id set where it is routed
        message.setAddress(queue);
        message.setRoutingType(RoutingType.ANYCAST);
        message.setType(Message.BYTES_TYPE);
        message.setDurable(true);
        message.setPriority((byte) 4);
        message.setTimestamp(clock.millis());
        // the JMS message id ("ID:" + this) Camel's consumer reads
        message.setUserID(UUIDGenerator.getInstance().generateUUID());
        headers.forEach((name, value) -> {
            if (value != null) { // Camel's JMS binding leaves null headers out
                message.putStringProperty(SimpleString.of(name), SimpleString.of((String) value));
            }
        });
        message.getBodyBuffer().writeBytes(body);
        return message;
    }

    /** The routing's outcome, waited for until the deadline ({@link System#nanoTime()}). */
    private static Routed await(CompletableFuture<Routed> outcome, long deadline) {
        try {
            return outcome.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            // the same message, with this thread's stack: the cause was made on the routing or journal thread
            throw e.getCause() instanceof BrokerUnavailableException unavailable
                    ? new BrokerUnavailableException(unavailable.getMessage(), unavailable)
                    : new BrokerUnavailableException("the broker could not journal the message", e.getCause());
        } catch (TimeoutException e) {
            // not routed yet: it will not be (one routed already may still be journaled, and its event come
            // again as a duplicate, as before the window)
            if (!outcome.cancel(false)) {
                return await(outcome, deadline); // answered meanwhile: that answer, at once
            }
            throw new BrokerUnavailableException("the broker did not journal the message within "
                    + SYNC_TIMEOUT_MS + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (!outcome.cancel(false)) {
                return await(outcome, deadline); // answered meanwhile: a done future answers without waiting
            }
            throw new BrokerUnavailableException("interrupted while the broker journaled the message", e);
        }
    }

    /** The message is not known to be journaled: the caller must not acknowledge it. */
    public static final class BrokerUnavailableException extends RuntimeException {
        BrokerUnavailableException(String message) {
            super(message);
        }

        BrokerUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
