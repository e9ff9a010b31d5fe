package dev.pasarela.pipeline.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pasarela.store.ExpiringKeys;
import dev.pasarela.store.embedded.RocksDocumentStore;
import dev.pasarela.store.jdbc.JdbcExpiringKeys;
import dev.pasarela.support.BootObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

class DedupeKeyWriterTest {

    private static final Instant NOW = Instant.parse("2026-12-02T08:00:00Z");

    private DriverManagerDataSource ds;
    private JdbcTemplate jdbc;
    private DedupeKeyWriter writer;

    @BeforeEach
    void schema() throws Exception {
        ds = new DriverManagerDataSource("jdbc:h2:mem:writer-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        String schema = Files.readString(Path.of("src/main/resources/schema.sql"), StandardCharsets.UTF_8);
        String table = schema.substring(schema.indexOf("CREATE TABLE IF NOT EXISTS CAMEL_MESSAGEPROCESSED"));
        jdbc = new JdbcTemplate(ds);
        jdbc.execute(table.substring(0, table.indexOf(';')));
        writer = new DedupeKeyWriter(table(ds), Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMillis(5));
        writer.start();
    }

    @AfterEach
    void stop() {
        writer.close();
    }

    /** Many requests at once, each key sent by four of them: exactly one of the four is told "new". */
    @Test
    void concurrentRequestsForOneKeyGetOneInsert() throws Exception {
        assertThat(submitEachKeyFourTimesAtOnce()).isEqualTo(500);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED WHERE processorName = 'webhooks'",
                Integer.class)).isEqualTo(500);
        assertThat(jdbc.queryForObject("SELECT MIN(createdAt) FROM CAMEL_MESSAGEPROCESSED", java.sql.Timestamp.class)
                .toInstant()).isEqualTo(NOW);
    }

    @Test
    void aKeyAlreadyKeptOrPendingIsADuplicate() throws Exception {
        assertThat(writer.submit("acme:evt_1").inserted().get()).isTrue();
        assertThat(writer.submit("acme:evt_1").inserted().get()).isFalse(); // in the table
        restart(Duration.ofSeconds(30)); // pending until close
        DedupeKeyWriter.Submitted first = writer.submit("acme:evt_2");
        DedupeKeyWriter.Submitted second = writer.submit("acme:evt_2");
        assertThat(second.inserted()).isCompletedWithValue(false); // still pending: known at once
        writer.close();
        assertThat(first.inserted()).isCompletedWithValue(true);
    }

    /** The request does not wait: the key is known at once, and inserted with the others a moment later. */
    @Test
    void aKeyIsKnownFromItsSubmitAndInsertedBehind() throws Exception {
        restart(Duration.ofSeconds(3));
        List<DedupeKeyWriter.Submitted> submitted = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            submitted.add(writer.submit("acme:evt_" + i));
        }
        assertThat(submitted).allSatisfy(s -> {
            assertThat(s.inserted()).isNotDone();
            assertThat(s.backlogged()).isFalse();
        });
        assertThat(writer.isPending("acme:evt_7")).isTrue();
        assertThat(count()).isZero();
        for (DedupeKeyWriter.Submitted s : submitted) {
            assertThat(s.inserted().get()).isTrue();
        }
        assertThat(writer.isPending("acme:evt_7")).isFalse(); // left the pending set only once in the table
        assertThat(count()).isEqualTo(100);
    }

    /** Stopping writes what was taken at once, without waiting out the delay. */
    @Test
    void closingWritesThePendingKeys() {
        restart(Duration.ofSeconds(30)); // close() does not wait it out
        DedupeKeyWriter.Submitted s = writer.submit("acme:evt_closing");
        writer.close();
        assertThat(s.inserted()).isCompletedWithValue(true);
        assertThat(count()).isEqualTo(1);
    }

    /** A database that cannot keep up: past the limit of keys waiting, callers are told to wait for theirs. */
    @Test
    void aBacklogMakesCallersWait() throws Exception {
        writer.close();
        CountDownLatch slowDatabase = new CountDownLatch(1);
        DataSource blocked = new DelegatingDataSource(ds) {
            @Override
            public Connection getConnection() throws SQLException {
                try {
                    slowDatabase.await(); // the first batch's commit does not come
                } catch (InterruptedException e) {
                    throw new SQLException(e);
                }
                return super.getConnection();
            }
        };
        writer = new DedupeKeyWriter(table(blocked), Clock.fixed(NOW, ZoneOffset.UTC), Duration.ZERO);
        writer.start();
        DedupeKeyWriter.Submitted last = null;
        for (int i = 0; i <= DedupeKeyWriter.MAX_PENDING; i++) {
            last = writer.submit("acme:evt_" + i);
            assertThat(last.backlogged()).isEqualTo(i == DedupeKeyWriter.MAX_PENDING);
        }
        slowDatabase.countDown();
        assertThat(last.inserted().get()).isTrue();
        assertThat(count()).isEqualTo(DedupeKeyWriter.MAX_PENDING + 1);
    }

    private void restart(Duration writeDelay) {
        writer.close();
        writer = new DedupeKeyWriter(table(ds), Clock.fixed(NOW, ZoneOffset.UTC), writeDelay);
        writer.start();
    }

    /** 500 keys, each submitted by four requests at once: how many requests were told "new". */
    private int submitEachKeyFourTimesAtOnce() throws Exception {
        ExecutorService requests = Executors.newFixedThreadPool(32);
        AtomicInteger inserted = new AtomicInteger();
        List<Future<?>> done = new ArrayList<>();
        for (int copy = 0; copy < 4; copy++) {
            for (int k = 0; k < 500; k++) {
                String key = "acme:evt_" + k;
                done.add(requests.submit(() -> {
                    if (writer.submit(key).inserted().join()) {
                        inserted.incrementAndGet();
                    }
                }));
            }
        }
        for (Future<?> f : done) {
            f.get();
        }
        requests.shutdown();
        return inserted.get();
    }

    private static JdbcExpiringKeys table(DataSource dataSource) {
        return new JdbcExpiringKeys(dataSource, "CAMEL_MESSAGEPROCESSED", "webhooks");
    }

    private int count() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED", Integer.class);
    }

    /** A key the table cannot hold fails its own request; the others of its batch are kept. */
    @Test
    void oneBadKeyFailsOnlyItsOwnRequest() throws Exception {
        ExecutorService requests = Executors.newFixedThreadPool(8);
        List<Future<Boolean>> good = new ArrayList<>();
        Future<Boolean> bad = null;
        for (int i = 0; i < 64; i++) {
            String key = "acme:evt_" + i;
            good.add(requests.submit(() -> writer.submit(key).inserted().get()));
            if (i == 20) {
                bad = requests.submit(() -> writer.submit("k".repeat(600)).inserted().get());
            }
        }
        for (Future<Boolean> f : good) {
            assertThat(f.get()).isTrue();
        }
        Future<Boolean> refused = bad;
        assertThatThrownBy(refused::get).hasRootCauseInstanceOf(java.sql.SQLException.class)
                .satisfies(e -> assertThat(e.getCause()).hasCauseInstanceOf(DedupeKeyWriter.DedupeWriteException.class));
        requests.shutdown();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED", Integer.class)).isEqualTo(64);
    }

    /** The same on the embedded store, the default; and a store closed under it fails the keys, not the writer. */
    @Test
    void onTheEmbeddedStoreConcurrentRequestsForOneKeyGetOneInsert(@TempDir Path dir) throws Exception {
        writer.close();
        try (RocksDocumentStore store = RocksDocumentStore.open(dir, BootObjectMapper.create())) {
            ExpiringKeys kept = store.expiringKeys("webhooks").orElseThrow();
            writer = new DedupeKeyWriter(kept, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMillis(5));
            writer.start();
            assertThat(submitEachKeyFourTimesAtOnce()).isEqualTo(500);
            assertThat(kept.forgetAddedBefore(NOW.plusMillis(1))).isEqualTo(500);
        } // closed under the writer
        assertThat(writer.submit("acme:evt_after_close").inserted()).failsWithin(Duration.ofSeconds(30))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(DedupeKeyWriter.DedupeWriteException.class);
        assertThat(writer.submit("acme:evt_after_close_2").backlogged()).isFalse(); // still taking keys
    }

    @Test
    void aStoppedWriterRefusesRatherThanPretending() {
        writer.close();
        assertThatThrownBy(() -> writer.submit("acme:evt_1")).isInstanceOf(IllegalStateException.class);
    }
}
