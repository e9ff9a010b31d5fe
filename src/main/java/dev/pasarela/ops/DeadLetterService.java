package dev.pasarela.ops;

import dev.pasarela.pipeline.Queues;
import dev.pasarela.pipeline.Variables;
import dev.pasarela.pipeline.errors.ErrorHandling;
import dev.pasarela.api.ProblemException;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.CamelContext;
import org.springframework.beans.factory.ObjectProvider;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Service;

/**
 * Dead letters and parked events, through plain JMS so it works the same on the embedded
 * broker and on an external Artemis cluster. The queues are known from the routes: one
 * {@code dlq.<route-id>} per route under the delivery configuration, plus the parking queues.
 * A replay moves messages back to the queue they came from in one JMS transaction, so a
 * crash mid-replay neither loses nor duplicates a message.
 */
@Service
public class DeadLetterService {

    public record QueueSummary(String queue, String kind, int count) {}

    public record DeadLetter(String id, String route, String cause, String firstFailureAt, String lastFailureAt,
                             String tenantId, String eventKey, String eventType, String replayTo, int replays,
                             String parkedReason) {}

    private static final Pattern QUEUE = Pattern.compile("(dlq|parked)\\.[A-Za-z0-9._-]{1,200}");
    private static final Pattern MESSAGE_ID = Pattern.compile("ID:[A-Za-z0-9:_-]{1,200}");

    private static final long RECEIVE_TIMEOUT_MS = 1000;

    private final JmsTemplate jms;
    private final ConnectionFactory connectionFactory;
    private final CamelContext camel;
    private final ObjectProvider<EmbeddedActiveMQ> embeddedBroker;

    public DeadLetterService(JmsTemplate jms, ConnectionFactory connectionFactory, CamelContext camel,
                             ObjectProvider<EmbeddedActiveMQ> embeddedBroker) {
        this.jms = jms;
        this.connectionFactory = connectionFactory;
        this.camel = camel;
        this.embeddedBroker = embeddedBroker;
    }

    public List<QueueSummary> queues() {
        TreeSet<String> names = new TreeSet<>();
        for (RouteDefinition r : ((ModelCamelContext) camel).getRouteDefinitions()) {
            if (ErrorHandling.DELIVERY.equals(r.getRouteConfigurationId())) {
                names.add(Queues.deadLetter(r.getRouteId()));
            }
        }
        names.add(Queues.PARKED_UNKNOWN_TENANT);
        List<QueueSummary> out = new ArrayList<>();
        for (String name : names) {
            out.add(new QueueSummary(name, name.startsWith(Queues.DLQ_PREFIX) ? "dead-letter" : "parked",
                    count(name)));
        }
        return out;
    }

    public List<DeadLetter> messages(String queue, int limit) {
        checkQueue(queue);
        return browse(queue, limit);
    }

    public record ReplayResult(String queue, int replayed, List<String> skipped) {}

    /**
     * Moves the given messages back to the queues they came from; with no ids, the messages in the
     * queue when the call starts (a message that fails again while the replay runs waits for the
     * next one). Messages that cannot be replayed stay where they are and are listed as skipped.
     */
    public ReplayResult replay(String queue, List<String> ids) {
        checkQueue(queue);
        ids.forEach(id -> {
            if (!MESSAGE_ID.matcher(id).matches()) {
                throw new ProblemException(400, "invalid-message-id", "Invalid message id",
                        "Message ids look like ID:… as listed by GET /ops/dlq/" + queue + ".");
            }
        });
        List<String> selected = ids.isEmpty() ? browse(queue, Integer.MAX_VALUE).stream().map(DeadLetter::id).toList()
                : ids;
        int n = 0;
        List<String> skipped = new ArrayList<>();
        try (Connection connection = connectionFactory.createConnection();
             Session session = connection.createSession(true, Session.SESSION_TRANSACTED)) {
            connection.start();
            Queue source = session.createQueue(queue);
            for (String id : selected) {
                try (MessageConsumer consumer = session.createConsumer(source, "JMSMessageID = '" + id + "'")) {
                    Message m = consumer.receive(RECEIVE_TIMEOUT_MS);
                    if (m == null) {
                        skipped.add(id); // gone meanwhile (replayed by someone else) or never there
                        continue;
                    }
                    if (!replayable(m)) {
                        session.rollback();
                        skipped.add(id);
                        continue;
                    }
                    send(session, m);
                    session.commit();
                    n++;
                }
            }
        } catch (JMSException e) {
            throw new IllegalStateException("replay from " + queue + " failed after " + n + " messages", e);
        }
        return new ReplayResult(queue, n, skipped);
    }

    private static boolean replayable(Message m) throws JMSException {
        String target = m.getStringProperty(Variables.H_REPLAY_TO);
        return target != null && (target.startsWith("in.") || target.startsWith("out."))
                && (m instanceof BytesMessage || m instanceof TextMessage);
    }

    /** Messages on a queue: from the embedded broker's own count, else by browsing (external broker). */
    private int count(String queue) {
        EmbeddedActiveMQ embedded = embeddedBroker.getIfAvailable();
        if (embedded != null && embedded.getActiveMQServer() != null) {
            org.apache.activemq.artemis.core.server.Queue q =
                    embedded.getActiveMQServer().locateQueue(SimpleString.of(queue));
            return q == null ? 0 : (int) q.getMessageCount();
        }
        return browse(queue, Integer.MAX_VALUE).size();
    }

    private void send(Session session, Message m) throws JMSException {
        String target = m.getStringProperty(Variables.H_REPLAY_TO);
        Message copy;
        if (m instanceof BytesMessage b) {
            byte[] body = new byte[(int) b.getBodyLength()];
            b.readBytes(body);
            BytesMessage c = session.createBytesMessage();
            c.writeBytes(body);
            copy = c;
        } else {
            copy = session.createTextMessage(((TextMessage) m).getText());
        }
        for (Enumeration<?> e = m.getPropertyNames(); e.hasMoreElements(); ) {
            String name = (String) e.nextElement();
            if (!name.startsWith("JMS") && !name.startsWith("_AMQ")) {
                copy.setObjectProperty(name, m.getObjectProperty(name));
            }
        }
        copy.setIntProperty(Variables.H_REPLAY_COUNT, replays(m) + 1);
        try (MessageProducer producer = session.createProducer(session.createQueue(target))) {
            producer.send(copy);
        }
    }

    private List<DeadLetter> browse(String queue, int limit) {
        List<DeadLetter> out = jms.browse(queue, (Session session, QueueBrowser browser) -> {
            List<DeadLetter> list = new ArrayList<>();
            Enumeration<?> e = browser.getEnumeration();
            while (e.hasMoreElements() && list.size() < limit) {
                list.add(describe((Message) e.nextElement()));
            }
            return list;
        });
        return out == null ? List.of() : out;
    }

    private static DeadLetter describe(Message m) throws JMSException {
        return new DeadLetter(m.getJMSMessageID(), m.getStringProperty(Variables.H_FAILED_ROUTE),
                m.getStringProperty(Variables.H_FAILURE_CAUSE), m.getStringProperty(Variables.H_FIRST_FAILURE_AT),
                m.getStringProperty(Variables.H_LAST_FAILURE_AT), m.getStringProperty(Variables.H_TENANT_ID),
                m.getStringProperty(Variables.H_EVENT_KEY), m.getStringProperty(Variables.H_EVENT_TYPE),
                m.getStringProperty(Variables.H_REPLAY_TO), replays(m), m.getStringProperty(Variables.H_PARKED_REASON));
    }

    private static int replays(Message m) throws JMSException {
        return m.propertyExists(Variables.H_REPLAY_COUNT) ? m.getIntProperty(Variables.H_REPLAY_COUNT) : 0;
    }

    private static void checkQueue(String queue) {
        if (!QUEUE.matcher(queue).matches()) {
            throw new ProblemException(404, "queue-not-found", "Queue not found",
                    "Only dlq.* and parked.* queues are visible here.");
        }
    }

}
