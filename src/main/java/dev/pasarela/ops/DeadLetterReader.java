package dev.pasarela.ops;

import dev.pasarela.ops.DeadLetterService.DeadLetter;
import dev.pasarela.pipeline.EmbeddedJmsBroker;
import dev.pasarela.pipeline.Variables;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;
import org.springframework.jms.core.JmsTemplate;

/**
 * Reads the messages of a dead-letter or parked queue, oldest first, without taking them. On the
 * embedded broker they are read in the broker (its queue's browser iterator, which reads the page
 * files too). A JMS browser's enumeration ends at the first message the broker has not read back
 * from its pages in time: on the gateway's paged dead-letter queue under load it listed 181, 181 and
 * 1,000 of 18,252 in three calls in a row. So on an external broker a paged queue may be read short.
 */
class DeadLetterReader {

    /** A message as the listing shows it, and whether a replay can send it back where it came from. */
    record Read(DeadLetter letter, boolean replayable) {}

    static final Pattern MESSAGE_ID = Pattern.compile("ID:[A-Za-z0-9:_-]{1,200}");

    private final JmsTemplate jms;
    private final EmbeddedJmsBroker embeddedBroker;

    DeadLetterReader(JmsTemplate jms, EmbeddedJmsBroker embeddedBroker) {
        this.jms = jms;
        this.embeddedBroker = embeddedBroker;
    }

    /** The queue's messages {@code keep} accepts, at most {@code limit}. */
    List<Read> read(String queue, Predicate<DeadLetter> keep, int limit) {
        return read(queue, null, keep, limit);
    }

    /**
     * Those of the given ids that are on the queue. On the embedded broker this reads the queue up to
     * the last of them, so an id not there costs a read of the whole queue, its pages included.
     */
    List<Read> read(String queue, Collection<String> ids) {
        return read(queue, Set.copyOf(ids), letter -> true, ids.size());
    }

    private List<Read> read(String queue, Collection<String> ids, Predicate<DeadLetter> keep, int limit) {
        Optional<ActiveMQServer> embedded = embeddedBroker.running();
        if (embedded.isPresent()) {
            return inBroker(embedded.get(), queue, ids, keep, limit);
        }
        List<Read> out = jms.browseSelected(queue, ids == null ? null : idSelector(ids),
                (Session session, QueueBrowser browser) -> {
                    List<Read> list = new ArrayList<>();
                    for (Enumeration<?> e = browser.getEnumeration(); e.hasMoreElements() && list.size() < limit; ) {
                        Message m = (Message) e.nextElement();
                        DeadLetter letter = describe(m);
                        if (keep.test(letter)) {
                            list.add(new Read(letter, replayable(letter, m instanceof BytesMessage || m instanceof TextMessage)));
                        }
                    }
                    return list;
                });
        return out == null ? List.of() : out;
    }

    private static List<Read> inBroker(ActiveMQServer server, String queue, Collection<String> ids,
                                       Predicate<DeadLetter> keep, int limit) {
        org.apache.activemq.artemis.core.server.Queue q = server.locateQueue(SimpleString.of(queue));
        List<Read> out = new ArrayList<>();
        if (q == null) {
            return out;
        }
        try (LinkedListIterator<MessageReference> refs = q.browserIterator()) {
            while (refs.hasNext() && out.size() < limit) {
                org.apache.activemq.artemis.api.core.Message m = refs.next().getMessage();
                DeadLetter letter = describe(m);
                if ((ids == null || ids.contains(letter.id())) && keep.test(letter)) {
                    byte type = m.toCore().getType();
                    out.add(new Read(letter, replayable(letter, type == org.apache.activemq.artemis.api.core.Message.BYTES_TYPE
                            || type == org.apache.activemq.artemis.api.core.Message.TEXT_TYPE)));
                }
            }
        }
        return out;
    }

    /** Sent back to a queue it came from, as bytes or text (the bodies the gateway writes). */
    private static boolean replayable(DeadLetter letter, boolean bytesOrText) {
        String target = letter.replayTo();
        return target != null && (target.startsWith("in.") || target.startsWith("out.")) && bytesOrText;
    }

    static DeadLetter describe(Message m) throws JMSException {
        Map<String, Object> properties = new HashMap<>();
        for (String name : PROPERTIES) {
            properties.put(name, m.getObjectProperty(name));
        }
        return describe(m.getJMSMessageID(), properties::get);
    }

    /** The same fields read from the broker's own message; its JMS id is "ID:" and its user id. */
    private static DeadLetter describe(org.apache.activemq.artemis.api.core.Message m) {
        Object userId = m.getUserID();
        String id = userId == null ? null : userId.toString().startsWith("ID:") ? userId.toString() : "ID:" + userId;
        return describe(id, m::getObjectProperty);
    }

    /** The properties a dead letter is described by. */
    private static final List<String> PROPERTIES = List.of(Variables.H_FAILED_ROUTE, Variables.H_FAILURE_CAUSE,
            Variables.H_FIRST_FAILURE_AT, Variables.H_LAST_FAILURE_AT, Variables.H_TENANT_ID, Variables.H_EVENT_KEY,
            Variables.H_EVENT_TYPE, Variables.H_REPLAY_TO, Variables.H_REPLAY_COUNT, Variables.H_PARKED_REASON);

    private static DeadLetter describe(String id, Function<String, Object> property) {
        Function<String, String> string = name -> Objects.toString(property.apply(name), null);
        return new DeadLetter(id, string.apply(Variables.H_FAILED_ROUTE), string.apply(Variables.H_FAILURE_CAUSE),
                string.apply(Variables.H_FIRST_FAILURE_AT), string.apply(Variables.H_LAST_FAILURE_AT),
                string.apply(Variables.H_TENANT_ID), string.apply(Variables.H_EVENT_KEY),
                string.apply(Variables.H_EVENT_TYPE), string.apply(Variables.H_REPLAY_TO),
                replays(property.apply(Variables.H_REPLAY_COUNT)), string.apply(Variables.H_PARKED_REASON));
    }

    /** The replays a message has had, as JMS's getIntProperty reads the count: a number, or a string of one. */
    static int replays(Object value) {
        if (value instanceof Number n) {
            return n.intValue();
        }
        try {
            return value == null ? 0 : Integer.parseInt(value.toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Ids matched by the ops pattern only (no quote can reach the selector). */
    static String idSelector(Collection<String> ids) {
        StringJoiner in = new StringJoiner("','", "JMSMessageID IN ('", "')");
        ids.forEach(id -> {
            if (id == null || !MESSAGE_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("not a message id");
            }
            in.add(id);
        });
        return in.toString();
    }
}
