package dev.pasarela.pipeline;

import java.lang.reflect.Field;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.apache.activemq.artemis.core.journal.impl.JournalImpl;
import org.apache.activemq.artemis.core.persistence.impl.journal.AbstractJournalStorageManager;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ordered executor on which the embedded broker's message journal appends its records (Artemis's
 * {@code JournalImpl.appendExecutor}, over the broker's IO pool). A durable routing makes two appends, the
 * message and its reference, each handed to that executor. Made on another thread, each hand-off finds
 * the executor idle and wakes it; made by a task running on the executor itself, they queue behind that
 * task and run right after it, in the same turn. Routed there, a journaled Stripe event cost the broker's
 * threads ~20 µs less (bench/RESULTS.md, "Routings on the journal's append thread").
 *
 * <p>Artemis does not expose the executor, so it is read from the journal's field. Without it (a
 * journal of another kind, or an Artemis whose journal no longer has the field, which {@code
 * BrokerSideEnqueueTest.sendsAreRoutedOnTheJournalsAppendExecutor} catches) there is none, and the
 * routings run on the routing window's own thread.
 */
final class JournalAppendExecutor {

    private static final Logger log = LoggerFactory.getLogger(JournalAppendExecutor.class);
    private static final Field APPEND_EXECUTOR = appendExecutorField();

    private JournalAppendExecutor() {
    }

    /** The message journal's append executor of this broker, if its journal is Artemis's file journal. */
    static Optional<Executor> of(ActiveMQServer server) {
        if (APPEND_EXECUTOR != null && server.getStorageManager() instanceof AbstractJournalStorageManager storage
                && storage.getMessageJournal() instanceof JournalImpl journal) {
            try {
                return Optional.ofNullable((Executor) APPEND_EXECUTOR.get(journal)); // null until the journal starts
            } catch (IllegalAccessException e) {
                return Optional.empty(); // made accessible below, or left null
            }
        }
        return Optional.empty();
    }

    private static Field appendExecutorField() {
        try {
            Field field = JournalImpl.class.getDeclaredField("appendExecutor");
            if (!Executor.class.isAssignableFrom(field.getType())) {
                throw new NoSuchFieldException("appendExecutor is a " + field.getType().getName());
            }
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("The broker's journal has no append executor this gateway knows ({}): sends to the embedded "
                    + "broker are routed on a thread of their own", e.toString());
            return null;
        }
    }
}
