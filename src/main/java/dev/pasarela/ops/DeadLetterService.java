package dev.pasarela.ops;

import dev.pasarela.pipeline.EmbeddedJmsBroker;
import dev.pasarela.pipeline.Queues;
import dev.pasarela.pipeline.Variables;
import dev.pasarela.pipeline.templates.DeadLetterQueues;
import dev.pasarela.api.ProblemException;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Service;

/**
 * Dead letters and parked events, through plain JMS so it works the same on the embedded
 * broker and on an external Artemis cluster. The queues are known from the routes
 * ({@link DeadLetterQueues}): delivery routes and the webhook routes of batching providers.
 * A replay moves each message back to the queue it came from in one JMS transaction, so a
 * crash mid-replay neither loses nor duplicates a message. Replays are bounded: a call takes at
 * most {@code pasarela.replay.max-ids} ids; larger replays are jobs ({@link ReplayJobs}).
 */
@Service
public class DeadLetterService {

    public record QueueSummary(String queue, String kind, int count) {}

    public record DeadLetter(String id, String route, String cause, String firstFailureAt, String lastFailureAt,
                             String tenantId, String eventKey, String eventType, String replayTo, int replays,
                             String parkedReason) {}

    private static final Pattern QUEUE = Pattern.compile("(dlq|parked)\\.[A-Za-z0-9._-]{1,200}");

    /**
     * Paid once per call at most, and only when a message just read there was taken meanwhile or is on
     * a page the broker has not read back.
     */
    private static final long GONE_WAIT_MS = 500;

    /** Artemis's default management address (broker.xml's management-address). */
    private static final java.time.Duration MANAGEMENT_WAIT = java.time.Duration.ofSeconds(5);

    private final ConnectionFactory connectionFactory;
    private final DeadLetterQueues deadLetterQueues;
    private final EmbeddedJmsBroker embeddedBroker;
    private final ReplayProperties limits;
    private final DeadLetterReader reader;

    public DeadLetterService(JmsTemplate jms, ConnectionFactory connectionFactory, DeadLetterQueues deadLetterQueues,
                             EmbeddedJmsBroker embeddedBroker, ReplayProperties limits) {
        this.limits = limits;
        this.connectionFactory = connectionFactory;
        this.deadLetterQueues = deadLetterQueues;
        this.embeddedBroker = embeddedBroker;
        this.reader = new DeadLetterReader(jms, embeddedBroker);
    }

    public List<QueueSummary> queues() {
        List<QueueSummary> out = new ArrayList<>();
        for (String name : deadLetterQueues.names()) {
            out.add(new QueueSummary(name, name.startsWith(Queues.DLQ_PREFIX) ? "dead-letter" : "parked",
                    count(name)));
        }
        return out;
    }

    public List<DeadLetter> messages(String queue, int limit) {
        checkQueue(queue);
        return letters(reader.read(queue, all -> true, limit));
    }

    /**
     * What a replay did: {@code notFound} ids are not on the queue (never there, or replayed or
     * consumed meanwhile), {@code skipped} ones are there but do not say where they came from,
     * {@code notReached} ones are there but past what the broker has read back from its pages (see
     * {@link #move});
     * {@code more} says a replay without ids left messages for the next call (or a replay job).
     */
    public record ReplayResult(String queue, int replayed, List<String> notFound, List<String> skipped,
                               List<String> notReached, boolean more) {}

    /**
     * Moves the given messages back to the queues they came from; with no ids, the oldest
     * {@code pasarela.replay.max-ids} messages in the queue when the call starts (a message that
     * fails again while the replay runs waits for the next one). At most that many ids per call.
     */
    public ReplayResult replay(String queue, List<String> ids) {
        checkQueue(queue);
        if (ids.size() > limits.maxIds()) {
            throw new ProblemException(400, "too-many-ids", "Too many message ids",
                    "A replay takes at most " + limits.maxIds() + " ids; replay more with POST /ops/dlq/replays.");
        }
        ids.forEach(id -> {
            if (id == null || !DeadLetterReader.MESSAGE_ID.matcher(id).matches()) {
                throw new ProblemException(400, "invalid-message-id", "Invalid message id",
                        "Message ids look like ID:… as listed by GET /ops/dlq/" + queue + ".");
            }
        });
        boolean more = false;
        Collection<String> selected = new LinkedHashSet<>(ids);
        if (ids.isEmpty()) {
            List<DeadLetter> oldest = letters(reader.read(queue, all -> true, limits.maxIds() + 1));
            more = oldest.size() > limits.maxIds();
            selected = oldest.stream().limit(limits.maxIds()).map(DeadLetter::id).toList();
        }
        Moved moved = move(queue, selected);
        return new ReplayResult(queue, moved.replayed(), moved.notFound(), moved.skipped(), moved.notReached(), more);
    }

    /** Outcome of moving some ids of one queue. */
    record Moved(int replayed, List<String> notFound, List<String> skipped, List<String> notReached) {}

    /**
     * One read finds which ids are there, then one consumer takes the replayable ones, each moved to
     * its source queue in its own JMS transaction. On a paged queue that consumer's selector sees only
     * what the broker has read back ahead of it (Artemis's max-read-page-bytes, 20 MB): ids further
     * back, still there when read again, are answered not reached, and are reached once the messages
     * ahead of them are replayed.
     * (The broker's own moveMessages would reach them, but it reads every message it passes on the
     * pages into the heap, where a dead-letter queue without consumers keeps them.)
     */
    Moved move(String queue, Collection<String> ids) {
        if (ids.isEmpty()) {
            return new Moved(0, List.of(), List.of(), List.of());
        }
        Map<String, Boolean> present = new HashMap<>();
        reader.read(queue, ids).forEach(read -> present.put(read.letter().id(), read.replayable()));
        List<String> notFound = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> notReached = new ArrayList<>();
        Set<String> pending = new LinkedHashSet<>();
        for (String id : ids) {
            Boolean replayable = present.get(id);
            (replayable == null ? notFound : replayable ? pending : skipped).add(id);
        }
        int n = 0;
        if (!pending.isEmpty()) {
            try (Connection connection = connectionFactory.createConnection();
                 Session session = connection.createSession(true, Session.SESSION_TRANSACTED)) {
                connection.start();
                n += take(session, queue, pending);
            } catch (JMSException e) {
                throw new IllegalStateException("replay from " + queue + " failed after " + n + " messages", e);
            }
            if (!pending.isEmpty()) {
                // taken meanwhile (another replay), or still there past the broker's read-ahead
                reader.read(queue, pending).forEach(read -> {
                    pending.remove(read.letter().id());
                    notReached.add(read.letter().id());
                });
                notFound.addAll(pending);
            }
        }
        return new Moved(n, notFound, skipped, notReached);
    }

    /**
     * Takes the pending ids from the queue, each sent on in its own transaction, and removes them
     * from {@code pending}; stops at the first wait with nothing received.
     */
    private int take(Session session, String queue, Set<String> pending) throws JMSException {
        int n = 0;
        try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue), DeadLetterReader.idSelector(pending))) {
            while (!pending.isEmpty()) {
                // every id was just seen: only one taken meanwhile (another replay), or one on a page
                // the broker has not read back, makes this wait
                Message m = consumer.receive(GONE_WAIT_MS);
                if (m == null) {
                    break;
                }
                if (!pending.remove(m.getJMSMessageID())) {
                    session.rollback();
                    break;
                }
                send(session, m);
                session.commit();
                n++;
            }
        }
        return n;
    }

    /** What a replay job selects: every criterion given must hold. */
    public record ReplayFilter(String queue, String tenantId, Instant from, Instant to, String cause) {

        boolean matches(DeadLetter m) {
            if (tenantId != null && !tenantId.equals(m.tenantId())) {
                return false;
            }
            if (cause != null && (m.cause() == null
                    || !m.cause().toLowerCase(Locale.ROOT).contains(cause.toLowerCase(Locale.ROOT)))) {
                return false;
            }
            if (from != null || to != null) {
                Instant at = failedAt(m);
                return at != null && (from == null || !at.isBefore(from)) && (to == null || at.isBefore(to));
            }
            return true;
        }

        private static Instant failedAt(DeadLetter m) {
            String at = m.lastFailureAt() != null ? m.lastFailureAt() : m.firstFailureAt();
            try {
                return at == null ? null : Instant.parse(at);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
    }

    /** Checks a filter before a job is accepted for it. */
    public void check(ReplayFilter filter) {
        if (filter == null || filter.queue() == null || !QUEUE.matcher(filter.queue()).matches()) {
            throw invalidFilter("queue is required: a dlq.* or parked.* queue as listed by GET /ops/dlq.");
        }
        if (filter.tenantId() != null && (filter.tenantId().isBlank() || filter.tenantId().length() > 200)) {
            throw invalidFilter("tenantId, when given, is 1 to 200 characters.");
        }
        if (filter.cause() != null && (filter.cause().isBlank() || filter.cause().length() > 200)) {
            throw invalidFilter("cause, when given, is 1 to 200 characters (matched as a substring, ignoring case).");
        }
        if (filter.from() != null && filter.to() != null && !filter.from().isBefore(filter.to())) {
            throw invalidFilter("from must be before to.");
        }
        checkQueue(filter.queue()); // the job browses it, which would make a queue of a misspelt name
    }

    private static ProblemException invalidFilter(String detail) {
        return new ProblemException(400, "invalid-replay-filter", "Invalid replay filter", detail);
    }

    /** The ids on the filter's queue that match it, oldest first, as the queue is now. */
    List<String> matching(ReplayFilter filter) {
        return letters(reader.read(filter.queue(), filter::matches, Integer.MAX_VALUE)).stream().map(DeadLetter::id).toList();
    }

    private static List<DeadLetter> letters(List<DeadLetterReader.Read> reads) {
        return reads.stream().map(DeadLetterReader.Read::letter).toList();
    }

    int maxIds() {
        return limits.maxIds();
    }

    /**
     * Messages on a queue: from the embedded broker's own count when the JMS connection is on it,
     * else from the external broker's management queue (its own count, without browsing), else by
     * browsing.
     */
    private int count(String queue) {
        return countedByBroker(queue).map(Long::intValue)
                // the embedded broker has no such queue yet; an external one did not answer, or without manage permission
                .orElseGet(() -> embeddedBroker.running().isPresent() ? 0 : reader.read(queue, all -> true, Integer.MAX_VALUE).size());
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
        copy.setIntProperty(Variables.H_REPLAY_COUNT, DeadLetterReader.replays(m.getObjectProperty(Variables.H_REPLAY_COUNT)) + 1);
        try (MessageProducer producer = session.createProducer(session.createQueue(target))) {
            producer.send(copy);
        }
    }

    /**
     * A dlq.* or parked.* queue a route of this gateway writes to, or one the broker has (a route
     * since removed): browsing any other name would make it, and the broker keeps queues.
     */
    private void checkQueue(String queue) {
        if (!QUEUE.matcher(queue).matches()) {
            throw new ProblemException(404, "queue-not-found", "Queue not found",
                    "Only dlq.* and parked.* queues are visible here.");
        }
        if (!deadLetterQueues.names().contains(queue) && !exists(queue)) {
            throw new ProblemException(404, "queue-not-found", "Queue not found",
                    "No dead-letter or parked queue has this name; GET /ops/dlq lists them.");
        }
    }

    private boolean exists(String queue) {
        return countedByBroker(queue).isPresent();
    }

    /** The queue's count as its broker keeps it; empty when it has no such queue (or does not answer). */
    private Optional<Long> countedByBroker(String queue) {
        Optional<ActiveMQServer> embedded = embeddedBroker.running();
        if (embedded.isPresent()) {
            return Optional.ofNullable(embedded.get().locateQueue(SimpleString.of(queue)))
                    .map(org.apache.activemq.artemis.core.server.Queue::getMessageCount);
        }
        return ArtemisManagement.messageCount(connectionFactory, queue, MANAGEMENT_WAIT);
    }

}
