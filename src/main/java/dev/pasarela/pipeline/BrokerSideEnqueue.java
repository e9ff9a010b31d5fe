package dev.pasarela.pipeline;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.io.IOCallback;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.core.persistence.StorageManager;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.utils.UUIDGenerator;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisMode;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisProperties;
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
 * property under its own name, so for the headers the gateway sets (all {@code Pasarela*}) the
 * queue's consumers cannot tell the two apart. Names Camel's JMS binding treats apart ({@code Camel*},
 * {@code JMS*}, {@code JMSX*}) are not among them, and this class would write them as plain properties. Whatever it
 * would have to make differently is left to that producer: {@link #send} answers false for an
 * external broker (the JMS connection's, even with an embedded one started beside it), a body the
 * JMS client would send as a large message, a header that is not a string or whose name Camel
 * would encode, and a queue that does not exist yet (the JMS send creates it, as the broker's
 * auto-create settings say).
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

    private final ObjectProvider<EmbeddedActiveMQ> embeddedBroker;
    private final boolean jmsUsesEmbeddedBroker;
    private final Clock clock;

    public BrokerSideEnqueue(ObjectProvider<EmbeddedActiveMQ> embeddedBroker, ArtemisProperties artemis, Clock clock) {
        this.embeddedBroker = embeddedBroker;
        this.jmsUsesEmbeddedBroker = jmsUsesEmbeddedBroker(artemis);
        this.clock = clock;
    }

    /**
     * Spring Boot starts an embedded broker unless {@code spring.artemis.embedded.enabled=false}, also
     * in native mode, where the JMS connection (and every consumer) is on the external broker: only
     * when the connection is on the embedded one, as Spring Boot decides it, is a message sent there
     * one its consumers receive.
     */
    static boolean jmsUsesEmbeddedBroker(ArtemisProperties artemis) {
        return artemis.getMode() == ArtemisMode.EMBEDDED
                || artemis.getMode() == null && artemis.getEmbedded().isEnabled();
    }

    /**
     * Routes the exchange's message to {@code queue} and waits for its journal sync.
     *
     * @return true once the message is journaled; false when it was not sent, for the JMS producer to send
     * @throws BrokerUnavailableException when the broker refused or did not sync it: nothing may be acknowledged
     */
    public boolean send(Exchange exchange, String queue) {
        org.apache.camel.Message in = exchange.getMessage();
        return in.getBody() instanceof byte[] body && send(queue, body, in.getHeaders());
    }

    /**
     * The same for a body and headers as Camel's {@code sendBodyAndHeaders} would take them.
     *
     * @return true once the message is journaled; false when it was not sent, for the JMS producer to send
     * @throws BrokerUnavailableException when the broker refused or did not sync it: nothing may be acknowledged
     */
    public boolean send(String queue, byte[] body, Map<String, ?> headers) {
        ActiveMQServer server = runningServer();
        if (server == null || body.length > LARGEST_BODY || !plainStringHeaders(headers)) {
            return false;
        }
        if (server.getPagingManager() != null && server.getPagingManager().isDiskFull()) {
            throw new BrokerUnavailableException("the broker's disk is full");
        }
        StorageManager storage = server.getStorageManager();
        CoreMessage message = message(storage.generateID(), queue, body, headers);
        OperationContext context = storage.newContext(server.getExecutorFactory().getExecutor());
        CompletableFuture<Void> synced = new CompletableFuture<>();
        storage.setContext(context);
        try {
            RoutingStatus status = server.getPostOffice().route(message, false);
            if (status == RoutingStatus.NO_BINDINGS) {
                return false; // no such queue: nothing was stored, the JMS send creates it
            }
            if (status != RoutingStatus.OK) {
                throw new BrokerUnavailableException("the broker did not route the message: " + status);
            }
            context.executeOnCompletion(new IOCallback() {
                @Override
                public void done() {
                    synced.complete(null);
                }

                @Override
                public void onError(int errorCode, String errorMessage) {
                    synced.completeExceptionally(new BrokerUnavailableException(
                            "the broker could not journal the message (" + errorCode + "): " + errorMessage));
                }
            });
        } catch (BrokerUnavailableException e) {
            throw e;
        } catch (Exception e) {
            throw new BrokerUnavailableException("the broker did not take the message: " + e.getMessage(), e);
        } finally {
            storage.clearContext();
        }
        await(synced);
        return true;
    }

    private ActiveMQServer runningServer() {
        EmbeddedActiveMQ embedded = jmsUsesEmbeddedBroker ? embeddedBroker.getIfAvailable() : null;
        ActiveMQServer server = embedded == null ? null : embedded.getActiveMQServer();
        return server != null && server.isActive() ? server : null;
    }

    /** What Camel's JMS binding writes unchanged: string values under names it does not encode. */
    static boolean plainStringHeaders(Map<String, ?> headers) {
        for (Map.Entry<String, ?> header : headers.entrySet()) {
            Object value = header.getValue();
            if (value != null && !(value instanceof String) || header.getKey().indexOf('.') >= 0
                    || header.getKey().indexOf('-') >= 0) {
                return false;
            }
        }
        return true;
    }

    private CoreMessage message(long id, String queue, byte[] body, Map<String, ?> headers) {
        CoreMessage message = new CoreMessage(id, body.length + 512);
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

    private static void await(CompletableFuture<Void> synced) {
        try {
            synced.get(SYNC_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof BrokerUnavailableException unavailable ? unavailable
                    : new BrokerUnavailableException("the broker could not journal the message", e.getCause());
        } catch (TimeoutException e) {
            throw new BrokerUnavailableException("the broker did not journal the message within "
                    + SYNC_TIMEOUT_MS + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
