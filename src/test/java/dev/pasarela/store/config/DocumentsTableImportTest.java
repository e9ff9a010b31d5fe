package dev.pasarela.store.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.h2.util.DateTimeUtils;
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
        try (RocksDocumentStore store = start()) {
            assertThat(store.get("tenants/t1").orElseThrow().data()).isEqualTo(Map.of("plan", "pro", "big", 12345678901234L));
            assertThat(store.query("tenants/t3/messages", Query.all())).hasSize(335);
            store.set("tenants/t1", Map.of("plan", "basic"));
        }
        try (RocksDocumentStore store = start()) {
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
        try (RocksDocumentStore store = start()) {
            assertThat(store.query("tenants", Query.all())).hasSize(2);
        }
    }

    @Test
    void aStoreLostWhileTheDatabaseRecordsItsCopyIsRefusedUntilCopiedAgainOnPurpose() throws IOException {
        table.set("tenants/t1", Map.of("plan", "pro"));
        start().close();
        deleteStore();

        StoreRefusedToStartException refusal = refused();
        assertThat(refusal).hasMessageContaining("store/ is missing");
        String again = againFrom(refusal);
        assertThat(againFrom(refused())).as("the same code while nothing changes").isEqualTo(again);
        clock.advance(Duration.ofMinutes(1));
        try (RocksDocumentStore store = start(again)) {
            assertThat(store.get("tenants/t1").orElseThrow().field("plan")).isEqualTo("pro");
        }
        start().close(); // copied again: the marks agree once more
        start(again).close(); // left set: changes nothing while the two agree

        clock.advance(Duration.ofMinutes(1));
        deleteStore();
        StoreRefusedToStartException later = catchThrowableOfType(StoreRefusedToStartException.class,
                () -> start(again));
        assertThat(later).as("a setting left behind lets a later lost store through").isNotNull()
                .hasMessageContaining("store/ is missing").hasMessageContaining("another disagreement");
        assertThat(againFrom(later)).isNotEqualTo(again);
    }

    /** Nothing to copy from the table, but the store held what the gateway wrote into it since. */
    @Test
    void aStoreLostOnAnInstallThatHadNothingToCopyIsRefusedToo() throws IOException {
        start().close();
        deleteStore();
        StoreRefusedToStartException refusal = refused();
        assertThat(refusal).hasMessageContaining("cannot be had from it");
        start(againFrom(refusal)).close();
        start().close();
    }

    @Test
    void aCodeForAnotherDisagreementIsRefused() throws IOException {
        table.set("tenants/t1", Map.of("plan", "pro"));
        start().close();
        deleteStore();
        assertThatThrownBy(() -> start("again:0123abcd")).isInstanceOf(StoreRefusedToStartException.class)
                .hasMessageContaining("another disagreement");
    }

    /**
     * A rolled-back version wrote the table; with {@code again} the store gets what it wrote, not the
     * rest of the table, which is as old as the copy and which the store has written over since.
     */
    @Test
    void aTableWrittenAfterTheCopyIsRefusedUntilWhatWasWrittenSinceIsCopiedOnPurpose() {
        table.set("tenants/t1", Map.of("plan", "pro"));
        table.set("tenants/t2", Map.of("plan", "pro"));
        try (RocksDocumentStore store = start()) {
            store.set("tenants/t2", Map.of("plan", "basic")); // written after the upgrade
            store.set("tenants/t4", Map.of("plan", "basic"));
        }
        clock.advance(Duration.ofDays(1));
        table.set("tenants/t1", Map.of("plan", "enterprise")); // the rolled-back version writes the table
        table.set("tenants/t3", Map.of("plan", "free"));

        StoreRefusedToStartException refusal = refused();
        assertThat(refusal).hasMessageContaining("written after its documents were copied")
                .hasMessageContaining("2 documents added or rewritten, 0 deleted");
        try (RocksDocumentStore store = start(againFrom(refusal))) {
            assertThat(store.get("tenants/t1").orElseThrow().field("plan")).isEqualTo("enterprise");
            assertThat(store.get("tenants/t2").orElseThrow().field("plan")).isEqualTo("basic");
            assertThat(store.get("tenants/t3").orElseThrow().field("plan")).isEqualTo("free");
            assertThat(store.get("tenants/t4").orElseThrow().field("plan")).isEqualTo("basic");
        }
        start().close();
    }

    /** The count and the latest write are as copied, but a document was rewritten by a clock behind the copy's. */
    @Test
    void aRewriteByAnOlderVersionWhoseClockIsBehindIsSeenToo() {
        table.set("tenants/t1", Map.of("plan", "pro"));
        clock.advance(Duration.ofMinutes(1));
        table.set("tenants/t2", Map.of("plan", "pro"));
        try (RocksDocumentStore store = start()) {
            store.set("tenants/t2", Map.of("plan", "basic"));
        }
        clock.advance(Duration.ofSeconds(-30)); // the older version's host is behind
        table.set("tenants/t1", Map.of("plan", "enterprise"));

        StoreRefusedToStartException refusal = refused();
        assertThat(refusal).hasMessageContaining("1 documents added or rewritten, 0 deleted");
        try (RocksDocumentStore store = start(againFrom(refusal))) {
            assertThat(store.get("tenants/t1").orElseThrow().field("plan")).isEqualTo("enterprise");
            assertThat(store.get("tenants/t2").orElseThrow().field("plan")).isEqualTo("basic");
        }
        start().close();
    }

    @Test
    void aTableAnOlderVersionOnlyDeletedFromIsRefusedUntilTheStoreIsKeptOnPurpose() {
        table.set("tenants/t1", Map.of("plan", "pro"));
        table.set("tenants/t2", Map.of("plan", "pro"));
        start().close();
        table.delete("tenants/t1");

        StoreRefusedToStartException refusal = refused();
        assertThat(refusal).hasMessageContaining("deleted from the table").hasMessageContaining("0 documents added"
                + " or rewritten, 1 deleted");
        try (RocksDocumentStore store = start(againFrom(refusal))) {
            assertThat(store.get("tenants/t1")).isPresent();
        }
        start().close();
    }

    @Test
    void aDatabaseRestoredApartFromTheStoreIsRefusedUntilTheStoreIsKeptOnPurpose() {
        table.set("tenants/t1", Map.of("plan", "pro"));
        start().close();
        jdbc.update("DELETE FROM pasarela_documents");
        jdbc.update("DELETE FROM pasarela_store_import");
        StoreRefusedToStartException refusal = refused();
        assertThat(refusal).hasMessageContaining("restored apart");
        try (RocksDocumentStore store = start(againFrom(refusal))) {
            assertThat(store.get("tenants/t1").orElseThrow().field("plan")).isEqualTo("pro");
        }
        start().close();
    }

    /** Restored from before the copy's record of the rows: fewer documents, the latest one the same. */
    @Test
    void aDatabaseRestoredApartWithDocumentsIsRefusedToo() {
        table.set("tenants/t1", Map.of("plan", "pro"));
        clock.advance(Duration.ofMinutes(1));
        table.set("tenants/t2", Map.of("plan", "pro"));
        start().close();
        jdbc.update("DELETE FROM pasarela_documents WHERE path = 'tenants/t1'");
        jdbc.update("DELETE FROM pasarela_store_import_rows");
        jdbc.update("DELETE FROM pasarela_store_import");

        StoreRefusedToStartException refusal = refused();
        assertThat(refusal).hasMessageContaining("restored apart").hasMessageContaining("2 documents then, 1 now");
        try (RocksDocumentStore store = start(againFrom(refusal))) {
            assertThat(store.get("tenants/t1")).isPresent();
        }
        start().close();
    }

    /** The database's mark reads back as the store's, so a start that finds them agreeing rewrites neither. */
    @Test
    void theMarksReadBackEqualAndAreNotMadeAgainAtEachStart() {
        table.set("tenants/t1", Map.of("plan", "pro"));
        try (RocksDocumentStore store = start()) {
            ImportMark inStore = ImportMark.parse(store.importMark().orElseThrow(), json);
            assertThat(inStore.copiedAt()).isEqualTo(clock.instant().truncatedTo(ChronoUnit.MILLIS));
            assertThat(databaseMarkTime()).isEqualTo(inStore.copiedAt());
            assertThat(jdbc.queryForObject("SELECT last_update FROM pasarela_store_import", OffsetDateTime.class)
                    .toInstant()).isEqualTo(inStore.lastUpdate());
        }
        Instant copied = databaseMarkTime();
        clock.advance(Duration.ofHours(1));
        try (RocksDocumentStore store = start()) {
            assertThat(ImportMark.parse(store.importMark().orElseThrow(), json).copiedAt()).isEqualTo(copied);
        }
        assertThat(databaseMarkTime()).isEqualTo(copied);
    }

    /**
     * In a zone with summer time the hour the clocks go back comes twice; an instant in its second
     * pass, bound through the JVM's zone, is stored an hour early and the marks would never agree.
     */
    @Test
    void theMarksAgreeInTheHourTheClocksGoBack() {
        TimeZone zone = TimeZone.getDefault();
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("Europe/Madrid"));
            DateTimeUtils.resetCalendar(); // H2 keeps the zone it read first; its next session reads this one
            clock.set(Instant.parse("2026-10-25T01:30:00Z")); // 02:30 CET, after 02:30 CEST
            table.set("tenants/t1", Map.of("plan", "pro"));
            start().close();
            assertThat(databaseMarkTime()).isEqualTo(Instant.parse("2026-10-25T01:30:00Z"));
            clock.advance(Duration.ofMinutes(1));
            start().close();
            assertThat(databaseMarkTime()).isEqualTo(Instant.parse("2026-10-25T01:30:00Z"));
        } finally {
            TimeZone.setDefault(zone);
            DateTimeUtils.resetCalendar();
        }
    }

    /** {@code db/} restored from a backup taken between an earlier copy and the store's: marked again. */
    @Test
    void aDatabaseMarkOlderThanTheStoresIsMadeAgain() throws IOException {
        table.set("tenants/t1", Map.of("plan", "pro"));
        start().close();
        Instant first = databaseMarkTime();
        clock.advance(Duration.ofHours(1));
        deleteStore();
        start(againFrom(refused())).close();
        Instant second = databaseMarkTime();
        assertThat(second).isAfter(first);
        jdbc.update("UPDATE pasarela_store_import SET copied_at = ?", OffsetDateTime.ofInstant(first, ZoneOffset.UTC));

        start().close();
        assertThat(databaseMarkTime()).isEqualTo(second);
    }

    /** {@code again} set for no disagreement changes nothing while the two agree. */
    @Test
    void againCopiesNothingWhileTheTwoAgree() {
        table.set("tenants/t1", Map.of("plan", "pro"));
        start().close();
        try (RocksDocumentStore store = start("again:0123abcd")) {
            store.set("tenants/t1", Map.of("plan", "basic"));
        }
        try (RocksDocumentStore store = start("again:0123abcd")) {
            assertThat(store.get("tenants/t1").orElseThrow().field("plan")).isEqualTo("basic");
        }
    }

    /** A start that stopped after the store's mark and before the database's marks the database next time. */
    @Test
    void theDatabaseIsMarkedWhenTheStartThatCopiedStoppedBeforeIt() throws IOException {
        table.set("tenants/t1", Map.of("plan", "pro"));
        start().close();
        jdbc.update("DELETE FROM pasarela_store_import_rows");
        jdbc.update("DELETE FROM pasarela_store_import");
        start().close();
        assertThat(jdbc.queryForObject("SELECT documents FROM pasarela_store_import", Long.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM pasarela_store_import_rows", Long.class)).isEqualTo(1);
        deleteStore();
        assertThat(refused()).hasMessageContaining("store/ is missing");
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
        try (RocksDocumentStore store = start()) {
            assertThat(store.get("tenants/t1").orElseThrow().field("plan")).isEqualTo("basic");
            assertThat(store.importMark().orElseThrow()).startsWith("v2 ");
        }
        clock.advance(Duration.ofMinutes(1));
        table.set("tenants/t2", Map.of("plan", "pro"));
        assertThat(refused()).hasMessageContaining("written after its documents were copied");
        jdbc.update("DELETE FROM pasarela_documents WHERE path = 'tenants/t2'");
        deleteStore();
        assertThat(refused()).hasMessageContaining("store/ is missing");
    }

    /** Under the first version's mark nothing says when it copied: again copies the whole table, and says so. */
    @Test
    void aTableChangedUnderTheFirstVersionsMarkIsCopiedWholeOnPurpose() {
        table.set("tenants/t1", Map.of("plan", "pro"));
        table.set("tenants/t2", Map.of("plan", "pro"));
        try (RocksDocumentStore store = RocksDocumentStore.open(dir.resolve("store"), json)) {
            store.importDocuments(row -> row.accept("tenants/t1", "{\"plan\":\"basic\"}"), "1");
        }
        StoreRefusedToStartException refusal = refused();
        assertThat(refusal).hasMessageContaining("first version").hasMessageContaining("whole table");
        try (RocksDocumentStore store = start(againFrom(refusal))) {
            assertThat(store.get("tenants/t1").orElseThrow().field("plan")).isEqualTo("pro");
            assertThat(store.get("tenants/t2")).isPresent();
        }
        start().close();
    }

    /** The mark commit dfa6715 wrote with the application's mapper: read, and the start goes on. */
    @Test
    void theJsonMarkOfAnEarlierCommitIsRead() throws Exception {
        table.set("tenants/t1", Map.of("plan", "pro"));
        Instant lastUpdate = jdbc.queryForObject("SELECT MAX(update_time) FROM pasarela_documents",
                OffsetDateTime.class).toInstant();
        String mark = json.writeValueAsString(new ImportMark(Instant.parse("2026-11-01T10:00:00.123Z"), 1, lastUpdate));
        assertThat(mark).startsWith("{\"copiedAt\":\"2026-11-01T10:00:00.123Z\",\"documents\":1,");
        try (RocksDocumentStore store = RocksDocumentStore.open(dir.resolve("store"), json)) {
            store.importDocuments(row -> row.accept("tenants/t1", "{\"plan\":\"basic\"}"), mark);
        }
        try (RocksDocumentStore store = start()) {
            assertThat(store.get("tenants/t1").orElseThrow().field("plan")).isEqualTo("basic");
        }
        assertThat(databaseMarkTime()).isEqualTo(Instant.parse("2026-11-01T10:00:00.123Z"));
        clock.advance(Duration.ofSeconds(1));
        table.set("tenants/t1", Map.of("plan", "enterprise"));
        assertThat(refused()).hasMessageContaining("1 documents added or rewritten");
    }

    @Test
    void aMarkThisVersionCannotReadIsRefusedUntilTheStoreIsKeptOnPurpose() {
        table.set("tenants/t1", Map.of("plan", "pro"));
        try (RocksDocumentStore store = RocksDocumentStore.open(dir.resolve("store"), json)) {
            store.importDocuments(row -> row.accept("tenants/t1", "{\"plan\":\"basic\"}"), "v9 from the future");
        }
        StoreRefusedToStartException refusal = refused();
        assertThat(refusal).hasMessageContaining("not one this version reads");
        try (RocksDocumentStore store = start(againFrom(refusal))) {
            assertThat(store.get("tenants/t1").orElseThrow().field("plan")).isEqualTo("basic");
            assertThat(store.importMark().orElseThrow()).startsWith("v2 ");
        }
        start().close();
    }

    private RocksDocumentStore start() {
        return start("once");
    }

    private RocksDocumentStore start(String tableImport) {
        RocksDocumentStore store = RocksDocumentStore.open(dir.resolve("store"), json);
        try {
            new DocumentsTableImport(dataSource, json, clock).run(store, tableImport);
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** The refusal of the next start, which must come. */
    private StoreRefusedToStartException refused() {
        StoreRefusedToStartException refusal = catchThrowableOfType(StoreRefusedToStartException.class, this::start);
        assertThat(refusal).as("the start is refused").isNotNull();
        return refusal;
    }

    /** The setting the refusal tells the operator to start with. */
    private static String againFrom(StoreRefusedToStartException refusal) {
        Matcher setting = Pattern.compile("PASARELA_STORE_TABLE_IMPORT=(again:[0-9a-f]{8}) for one start")
                .matcher(refusal.action());
        assertThat(setting.find()).as(refusal.action()).isTrue();
        return setting.group(1);
    }

    private Instant databaseMarkTime() {
        return jdbc.queryForObject("SELECT copied_at FROM pasarela_store_import", OffsetDateTime.class).toInstant();
    }

    private void deleteStore() throws IOException {
        try (Stream<Path> files = Files.walk(dir.resolve("store"))) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
