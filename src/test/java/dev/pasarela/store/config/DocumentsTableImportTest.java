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
    final MovableClock clock = MovableClock.at(Instant.parse("2026-11-01T10:00:00Z"));
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

        assertThatThrownBy(() -> start(false)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("store/ is missing").hasMessageContaining("PASARELA_STORE_TABLE_IMPORT=again");
        try (RocksDocumentStore store = start(true)) {
            assertThat(store.get("tenants/t1").orElseThrow().field("plan")).isEqualTo("pro");
        }
        start(false).close(); // copied again: the marks agree once more
    }

    @Test
    void aTableWrittenAfterTheCopyIsRefusedUntilCopiedAgainOverTheStore() {
        table.set("tenants/t1", Map.of("plan", "pro"));
        try (RocksDocumentStore store = start(false)) {
            store.set("tenants/t2", Map.of("plan", "basic")); // written after the upgrade
        }
        clock.advance(Duration.ofDays(1));
        table.set("tenants/t1", Map.of("plan", "enterprise")); // a rolled-back version writes the table

        assertThatThrownBy(() -> start(false)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("changed after its documents were copied")
                .hasMessageContaining("PASARELA_STORE_TABLE_IMPORT=again");
        try (RocksDocumentStore store = start(true)) {
            assertThat(store.get("tenants/t1").orElseThrow().field("plan")).isEqualTo("enterprise");
            assertThat(store.get("tenants/t2").orElseThrow().field("plan")).isEqualTo("basic");
        }
        start(false).close();
    }

    @Test
    void aNewDatabaseBesideAStoreThatCopiedStartsWithTheStoresDocuments() {
        table.set("tenants/t1", Map.of("plan", "pro"));
        start(false).close();
        jdbc.update("DELETE FROM pasarela_documents");
        jdbc.update("DELETE FROM pasarela_store_import");
        try (RocksDocumentStore store = start(false)) {
            assertThat(store.get("tenants/t1").orElseThrow().field("plan")).isEqualTo("pro");
        }
    }

    @Test
    void aStoreLostOnAnInstallThatHadNothingToCopyStartsEmpty() throws IOException {
        start(false).close();
        deleteStore();
        start(false).close();
    }

    /** The first RocksDB version marked its copy with the number of documents alone. */
    @Test
    void theFirstVersionsMarkIsRead() {
        table.set("tenants/t1", Map.of("plan", "pro"));
        try (RocksDocumentStore store = RocksDocumentStore.open(dir.resolve("store"), json)) {
            store.importDocuments(row -> row.accept("tenants/t1", "{\"plan\":\"basic\"}"), "1");
        }
        try (RocksDocumentStore store = start(false)) {
            assertThat(store.get("tenants/t1").orElseThrow().field("plan")).isEqualTo("basic");
        }
        table.set("tenants/t2", Map.of("plan", "pro"));
        assertThatThrownBy(() -> start(false)).isInstanceOf(IllegalStateException.class);
    }

    private RocksDocumentStore start(boolean again) {
        RocksDocumentStore store = RocksDocumentStore.open(dir.resolve("store"), json);
        try {
            new DocumentsTableImport(jdbc, json, clock).run(store, again);
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
