package dev.pasarela.ops;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import java.time.Duration;
import java.util.Optional;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;

/** Asks an Artemis broker about a queue through its management address, as Artemis documents for JMS clients. */
public final class ArtemisManagement {

    static final String MANAGEMENT_ADDRESS = "activemq.management";

    private ArtemisManagement() {}

    /**
     * The queue's {@code messageCount}, counted by the broker (no browsing); empty when the broker does
     * not answer within {@code wait}, has no such queue, or refuses the request (no manage permission).
     */
    public static Optional<Long> messageCount(ConnectionFactory connectionFactory, String queue, Duration wait) {
        try (Connection connection = connectionFactory.createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            TemporaryQueue replies = session.createTemporaryQueue();
            try {
                Message request = session.createMessage();
                JMSManagementHelper.putAttribute(request, ResourceNames.QUEUE + queue, "messageCount");
                request.setJMSReplyTo(replies);
                try (MessageProducer producer = session.createProducer(session.createQueue(MANAGEMENT_ADDRESS));
                     MessageConsumer consumer = session.createConsumer(replies)) {
                    producer.send(request);
                    Message reply = consumer.receive(Math.max(1, wait.toMillis())); // 0 would wait for ever
                    if (reply == null || !JMSManagementHelper.hasOperationSucceeded(reply)) {
                        return Optional.empty();
                    }
                    return JMSManagementHelper.getResult(reply) instanceof Number n
                            ? Optional.of(n.longValue()) : Optional.empty();
                }
            } finally {
                // a shared connection's close() (Spring's) keeps it open: the broker would keep this
                // temporary queue until the gateway stops, one per count
                deleteQuietly(replies);
            }
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static void deleteQuietly(TemporaryQueue queue) {
        try {
            queue.delete();
        } catch (JMSException e) {
            // gone with its connection already
        }
    }
}
