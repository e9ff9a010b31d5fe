package dev.pasarela.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.store.embedded.EmbeddedDocumentStore;
import dev.pasarela.support.BootObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The send step's writes of concurrent consumers share transactions, and each message's history is as if alone. */
class GroupCommitTest {

    @TempDir
    static Path dir;
    static DriverManagerDataSource dataSource;
    static EmbeddedDocumentStore store;
    static MessageHistory history;
    static final String TENANT = "t-group";

    @BeforeAll
    static void open() throws Exception {
        dataSource = new DriverManagerDataSource("jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000",
                "sa", "");
        new JdbcTemplate(dataSource).execute(Files.readString(Path.of("src/main/resources/schema.sql"),
                StandardCharsets.UTF_8));
        store = new EmbeddedDocumentStore(new JdbcTemplate(dataSource), new DataSourceTransactionManager(dataSource),
                BootObjectMapper.create(), Clock.systemUTC());
        history = new MessageHistory(store, Clock.systemUTC());
    }

    @AfterAll
    static void close() {
        new JdbcTemplate(dataSource).execute("SHUTDOWN");
    }

    @Test
    void concurrentSendsAreEachCountedOnceAndRecordedWithTheirOwnProviderId() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String id = "msg_g" + i;
            ids.add(id);
            store.set(MessageHistory.messagePath(TENANT, id), Map.of("id", id, "status", "accepted",
                    "statusHistory", List.of(Map.of("status", "accepted", "at", "2026-11-28T12:00:00Z"))));
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> done = new ArrayList<>();
        for (String id : ids) {
            done.add(pool.submit(() -> {
                start.await();
                assertThat(history.recordSendAttempt(TENANT, id, OutboundSteps::sendable)).isPresent();
                return history.recordSubmitted(TENANT, id, "whatsapp", "wamid." + id);
            }));
        }
        // the same message twice at once (a queue entry replayed): both attempts counted, none lost
        List<Future<?>> twice = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            twice.add(pool.submit(() -> {
                start.await();
                return history.recordSendAttempt(TENANT, ids.get(0), d -> true);
            }));
        }
        start.countDown();
        for (Future<String> f : done) {
            assertThat(f.get()).isEqualTo("submitted");
        }
        for (Future<?> f : twice) {
            f.get();
        }
        pool.shutdown();
        for (String id : ids) {
            var m = store.get(MessageHistory.messagePath(TENANT, id)).orElseThrow();
            assertThat(m.field("providerMessageId")).isEqualTo("wamid." + id);
            assertThat(m.field("sendAttempts")).isEqualTo(id.equals(ids.get(0)) ? 3L : 1L);
            assertThat(MessageHistory.history(m.data())).extracting(h -> h.get("status"))
                    .containsExactly("accepted", "submitted");
            assertThat(store.get(MessageHistory.linkPath(TENANT, "whatsapp", "wamid." + id)).orElseThrow()
                    .field("messageId")).isEqualTo(id);
        }
    }
}
