package dev.pasarela.store.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.store.Query;
import dev.pasarela.store.embedded.RocksDocumentStore;
import dev.pasarela.store.jdbc.JdbcDocumentStore;
import dev.pasarela.support.BootObjectMapper;
import dev.pasarela.support.EmbeddedDatabases;
import dev.pasarela.support.MovableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The embedded H2's table {@code pasarela_documents} copied into the RocksDB store once, and a start
 * refused when the store and the table no longer belong together (a lost {@code store/}, a rollback).
 */
class DocumentsTableImportTest {

    @TempDir
    Path dir;
    final ObjectMapper json = BootObjectMapper.create();
    final MovableClock clock = MovableClock.at(Instant.parse("2026-11-01T10:00:00.123456789Z"));
    DriverManagerDataSource dataSource;
    JdbcTemplate jdbc;
    /** The store of the version before the RocksDB one: writes the table as it did. */
    JdbcDocumentStore table;

    @BeforeEach
    void database() {
        dataSource = EmbeddedDatabases.open(dir);
        jdbc = new JdbcTemplate(dataSource);
        table = new JdbcDocumentStore(jdbc, new DataSourceTransactionManager(dataSource), json, clock);
    }

    @AfterEach
    void shutdown() {
        jdbc.execute("SHUTDOWN");
    }

    @Test
    void theTablesDocumentsAreCopiedOnceOnTheFirstStart() {
        List<Object[]> messages = new ArrayList<>();
        for (int i = 0; i < 2_345; i++) { // more than a batch of the copy, written as the jdbc store writes them
            messages.add(new Object[] {"tenants/t" + (i % 7) + "/messages/m" + i, "tenants/t" + (i % 7) + "/messages",
                    "{\"n\":" + i + ",\"to\":\"x\"}", Timestamp.from(clock.instant())});
        }
        jdbc.batchUpdate("INSERT INTO pasarela_documents(path, collection_path, data, update_time) VALUES (?, ?, ?, ?)",
                messages);
        table.set("tenants/t1", Map.of("plan", "pro", "big", 12345678901234L));
        try (RocksDocumentStore store = start(false)) {
            assertThat(store.get("tenants/t1").orElseThrow().data()).isEqualTo(Map.of("plan", "pro", "big", 12345678901234L));
            assertThat(store.query("tenants/t3/messages", Query.all())).hasSize(335);
            store.set("tenants/t1", Map.of("plan", "basic"));
        }
        try (RocksDocumentStore store = start(false)) {
            assertThat(store.get("tenants/t1").orElseThrow().field("plan")).isEqualTo("basic");
        }
        assertThat(jdbc.queryForObject("SELECT documents FROM pasarela_store_import", Long.class)).isEqualTo(2_346);
    }

    @Test
    void aCopyThatStoppedPartWayIsMadeAgainWhole() {
        table.set("tenants/t1", Map.of("plan", "pro"));
        table.set("tenants/t2", Map.of("plan", "basic"));
        try (RocksDocumentStore store = RocksDocumentStore.open(dir.resolve("store"), json)) {
            assertThatThrownBy(() -> store.importDocuments(row -> {
                row.accept("tenants/t1", "{\"plan\":\"pro\"}");
                throw new IllegalStateException("the database went away");
            }, "{}")).isInstanceOf(IllegalStateException.class);
            assertThat(store.importMark()).isEmpty();
        }
        try (RocksDocumentStore store = start(false)) {
            assertThat(store.query("tenants", Query.all())).hasSize(2);
        }
    }

    @Test
    void aStoreLostWhileTheDatabaseRecordsItsCopyIsRefusedUntilCopiedAgainOnPurpose() throws IOException {
        table.set("tenants/t1", Map.of("plan", "pro"));
        start(false).close();
        deleteStore();

        assertThatThrownBy(() -> start(false)).isInstanceOf(StoreRefusedToStartException.class)
                .hasMessageContaining("store/ is missing").hasMessageContaining("PASARELA_STORE_TABLE_IMPORT=again");
        try (RocksDocumentStore store = start(true)) {
            assertThat(store.get("tenants/t1").orElseThrow().field("plan")).isEqualTo("pro");
        }
        start(false).close(); // copied again: the marks agree once more
    }

    /** Nothing to copy from the table, but the store held what the gateway wrote into it since. */
    @Test
    void aStoreLostOnAnInstallThatHadNothingToCopyIsRefusedToo() throws IOException {
        start(false).close();
        deleteStore();
        assertThatThrownBy(() -> start(false)).isInstanceOf(StoreRefusedToStartException.class)
                .hasMessageContaining("cannot be had from it");
        start(true).close();
        start(false).close();
    }

    /**
     * A rolled-back version wrote the table; with {@code again} the store gets what it wrote, not the
     * rest of the table, which is as old as the copy and which the store has written over since.
     */
    @Test
    void aTableWrittenAfterTheCopyIsRefusedUntilWhatWasWrittenSinceIsCopiedOnPurpose() {
        table.set("tenants/t1", Map.of("plan", "pro"));
        table.set("tenants/t2", Map.of("plan", "pro"));
        try (RocksDocumentStore store = start(false)) {
            store.set("tenants/t2", Map.of("plan", "basic")); // written after the upgrade
            store.set("tenants/t4", Map.of("plan", "basic"));
        }
        clock.advance(Duration.ofDays(1));
        table.set("tenants/t1", Map.of("plan", "enterprise")); // the rolled-back version writes the table
        table.set("tenants/t3", Map.of("plan", "free"));

        assertThatThrownBy(() -> start(false)).isInstanceOf(StoreRefusedToStartException.class)
                .hasMessageContaining("written after its documents were copied")
                .hasMessageContaining("PASARELA_STORE_TABLE_IMPORT=again");
        try (RocksDocumentStore store = start(true)) {
            assertThat(store.get("tenants/t1").orElseThrow().field("plan")).isEqualTo("enterprise");
            assertThat(store.get("tenants/t2").orElseThrow().field("plan")).isEqualTo("basic");
            assertThat(store.get("tenants/t3").orElseThrow().field("plan")).isEqualTo("free");
            assertThat(store.get("tenants/t4").orElseThrow().field("plan")).isEqualTo("basic");
        }
        start(false).close();
    }

    @Test
    void aDatabaseRestoredApartFromTheStoreIsRefusedUntilTheStoreIsKeptOnPurpose() {
        table.set("tenants/t1", Map.of("plan", "pro"));
        start(false).close();
        jdbc.update("DELETE FROM pasarela_documents");
        jdbc.update("DELETE FROM pasarela_store_import");
        assertThatThrownBy(() -> start(false)).isInstanceOf(StoreRefusedToStartException.class)
                .hasMessageContaining("restored apart");
        try (RocksDocumentStore store = start(true)) {
            assertThat(store.get("tenants/t1").orElseThrow().field("plan")).isEqualTo("pro");
        }
        start(false).close();
    }

    /** {@code again} left set changes nothing while the store and the table agree. */
    @Test
    void againCopiesNothingWhileTheTwoAgree() {
        table.set("tenants/t1", Map.of("plan", "pro"));
        start(false).close();
        try (RocksDocumentStore store = start(true)) {
            store.set("tenants/t1", Map.of("plan", "basic"));
        }
        try (RocksDocumentStore store = start(true)) {
            assertThat(store.get("tenants/t1").orElseThrow().field("plan")).isEqualTo("basic");
        }
    }

    /** A start that stopped after the store's mark and before the database's marks the database next time. */
    @Test
    void theDatabaseIsMarkedWhenTheStartThatCopiedStoppedBeforeIt() throws IOException {
        table.set("tenants/t1", Map.of("plan", "pro"));
        start(false).close();
        jdbc.update("DELETE FROM pasarela_store_import");
        start(false).close();
        assertThat(jdbc.queryForObject("SELECT documents FROM pasarela_store_import", Long.class)).isEqualTo(1);
        deleteStore();
        assertThatThrownBy(() -> start(false)).isInstanceOf(StoreRefusedToStartException.class);
    }

    /**
     * The first RocksDB version marked its copy with the number of documents alone: read, then marked
     * again as this version marks, so a store lost later is refused as well.
     */
    @Test
    void theFirstVersionsMarkIsReadAndMadeAgain() throws IOException {
        table.set("tenants/t1", Map.of("plan", "pro"));
        try (RocksDocumentStore store = RocksDocumentStore.open(dir.resolve("store"), json)) {
            store.importDocuments(row -> row.accept("tenants/t1", "{\"plan\":\"basic\"}"), "1");
        }
        try (RocksDocumentStore store = start(false)) {
            assertThat(store.get("tenants/t1").orElseThrow().field("plan")).isEqualTo("basic");
            assertThat(store.importMark().orElseThrow()).startsWith("v2 ");
        }
        clock.advance(Duration.ofMinutes(1));
        table.set("tenants/t2", Map.of("plan", "pro"));
        assertThatThrownBy(() -> start(false)).isInstanceOf(StoreRefusedToStartException.class)
                .hasMessageContaining("written after its documents were copied");
        jdbc.update("DELETE FROM pasarela_documents WHERE path = 'tenants/t2'");
        deleteStore();
        assertThatThrownBy(() -> start(false)).isInstanceOf(StoreRefusedToStartException.class)
                .hasMessageContaining("store/ is missing");
    }

    private RocksDocumentStore start(boolean again) {
        RocksDocumentStore store = RocksDocumentStore.open(dir.resolve("store"), json);
        try {
            new DocumentsTableImport(jdbc, clock).run(store, again);
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private void deleteStore() throws IOException {
        try (Stream<Path> files = Files.walk(dir.resolve("store"))) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
