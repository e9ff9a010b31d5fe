package dev.pasarela.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import dev.pasarela.pipeline.transform.DeliveryState;
import dev.pasarela.pipeline.transform.DeliveryStatus;
import dev.pasarela.store.Document;
import dev.pasarela.store.StoreTransaction;
import dev.pasarela.store.jdbc.JdbcDocumentStore;
import dev.pasarela.support.BootObjectMapper;
import dev.pasarela.support.EmbeddedDatabases;
import dev.pasarela.tenants.TenantRepository;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * A provider's delivery report that overtakes the record of the send is kept under the provider's
 * id and folded into our message, whatever the order the two transactions commit in. The embedded
 * store locks no document a transaction found absent, so the report can be written under the
 * provider's id while the send's transaction (which found nothing there) is still open, and look for
 * the link before that transaction commits it: neither side saw the other inside its transaction.
 */
class StatusOvertakingSendTest {

    @TempDir
    static Path dir;
    static DriverManagerDataSource dataSource;
    static final String TENANT = "t-overtaken";

    @BeforeAll
    static void open() throws Exception {
        dataSource = EmbeddedDatabases.open(dir);
    }

    @AfterAll
    static void close() {
        new JdbcTemplate(dataSource).execute("SHUTDOWN");
    }

    /** The jdbc store, running {@code beforeCommit} once inside the next transaction, after its work. */
    static final class InterleavingStore extends JdbcDocumentStore {
        volatile Runnable beforeCommit;

        InterleavingStore(PlatformTransactionManager txManager) {
            super(new JdbcTemplate(dataSource), txManager, BootObjectMapper.create(), Clock.systemUTC());
        }

        @Override
        public <T> T runTransaction(Function<StoreTransaction, T> work) {
            Runnable hook = beforeCommit;
            beforeCommit = null;
            return super.runTransaction(hook == null ? work : tx -> {
                T result = work.apply(tx);
                hook.run();
                return result;
            });
        }
    }

    final InterleavingStore store = new InterleavingStore(new DataSourceTransactionManager(dataSource));
    final MessageHistory history = new MessageHistory(store, Clock.systemUTC());
    @SuppressWarnings("unchecked")
    final ConversationSink sink = new ConversationSink(store, mock(TenantRepository.class),
            new MessagingProperties(java.time.Duration.ofHours(24), List.of("BAJA")),
            mock(ObjectProvider.class), history, Clock.systemUTC());

    static DeliveryStatus report(String providerId, DeliveryState state, Instant at) {
        return new DeliveryStatus(TENANT, "twilio:status:" + providerId + ":" + state.wireName(), "twilio", at, "sms",
                providerId, "recipient", state, state.wireName(), null, null);
    }

    List<Object> statuses(String id) {
        return MessageHistory.history(store.get(MessageHistory.messagePath(TENANT, id)).orElseThrow().data()).stream()
                .map(h -> h.get("status")).toList();
    }

    @Test
    void aReportCommittedWhileTheSendWasRecordedIsFoldedIntoTheMessage() throws Exception {
        String id = "msg_overtaken";
        String providerId = "SM0123456789abcdef0123456789abcdef";
        store.set(MessageHistory.messagePath(TENANT, id), Map.of("id", id, "status", "accepted"));
        DeliveryStatus delivered = report(providerId, DeliveryState.DELIVERED, Instant.now().plusSeconds(1));

        // the report runs whole, on another thread, after the send's transaction read and wrote, before it commits
        store.beforeCommit = () -> CompletableFuture.runAsync(() -> sink.deliver(delivered)).orTimeout(20, TimeUnit.SECONDS).join();
        String status = history.recordSubmitted(TENANT, id, "sms", providerId);

        Document message = store.get(MessageHistory.messagePath(TENANT, id)).orElseThrow();
        assertThat(MessageHistory.history(message.data())).extracting(h -> h.get("status"))
                .containsExactly("submitted", "delivered");
        assertThat(message.field("status")).isEqualTo("delivered");
        assertThat(status).as("what the sender acts on").isEqualTo("delivered");
        assertThat(store.get(MessageHistory.messagePath(TENANT, providerId))).as("nothing left under the provider's id")
                .isEmpty();

        sink.deliver(delivered); // the report again (a redelivery): recorded once
        assertThat(MessageHistory.history(store.get(MessageHistory.messagePath(TENANT, id)).orElseThrow().data()))
                .hasSize(2);
    }

    /**
     * Two reports overtook the send; the second finds the link after its own commit and folds what
     * is kept under the provider's id: both reports, not only its own (the sender's look after its
     * commit may have come before the second report was written, and finds nothing left).
     */
    @Test
    void aReportThatFindsTheLinkFoldsEveryEarlierReportKeptUnderTheProvidersId() {
        String id = "msg_two_early";
        String providerId = "SM11111111111111111111111111111111";
        Instant sentAt = Instant.now().plusSeconds(1);
        sink.deliver(report(providerId, DeliveryState.SENT, sentAt)); // no link yet: kept under the provider's id

        // the send's record commits (message and link) while the second report's transaction is open
        store.beforeCommit = () -> CompletableFuture.runAsync(() -> {
            store.set(MessageHistory.messagePath(TENANT, id), Map.of("id", id, "status", "submitted",
                    "providerMessageId", providerId, "statusHistory",
                    List.of(Map.of("status", "submitted", "at", Instant.now().toString()))));
            store.set(MessageHistory.linkPath(TENANT, "sms", providerId), Map.of("messageId", id));
        }).orTimeout(20, TimeUnit.SECONDS).join();
        sink.deliver(report(providerId, DeliveryState.DELIVERED, sentAt.plusMillis(1500)));

        assertThat(statuses(id)).containsExactly("submitted", "sent", "delivered");
        assertThat(store.get(MessageHistory.messagePath(TENANT, id)).orElseThrow().field("status")).isEqualTo("delivered");
        assertThat(store.get(MessageHistory.messagePath(TENANT, providerId))).as("nothing left under the provider's id")
                .isEmpty();
    }

    /** The sender retries a record whose commit went through but whose answer was lost: nothing is added twice. */
    @Test
    void theSendRecordedAgainAfterAFoldChangesNothing() {
        String id = "msg_recorded_twice";
        String providerId = "SM22222222222222222222222222222222";
        store.set(MessageHistory.messagePath(TENANT, id), Map.of("id", id, "status", "accepted"));
        sink.deliver(report(providerId, DeliveryState.DELIVERED, Instant.now().plusSeconds(1)));

        assertThat(history.recordSubmitted(TENANT, id, "sms", providerId)).isEqualTo("delivered");
        assertThat(history.recordSubmitted(TENANT, id, "sms", providerId)).isEqualTo("delivered");

        assertThat(statuses(id)).containsExactly("submitted", "delivered");
        assertThat(store.get(MessageHistory.messagePath(TENANT, id)).orElseThrow().field("status")).isEqualTo("delivered");
    }
}
