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
import dev.pasarela.support.JvmZone;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.util.FileSystemUtils;

/**
 * The embedded H2's table {@code pasarela_documents} copied into the RocksDB store once, and a start
 * refused when the store and the table no longer belong together (a lost {@code store/}, a rollback).
 */
@ExtendWith(OutputCaptureExtension.class)
class DocumentsTableImportTest {

    @TempDir
    Path dir;
    final ObjectMapper json = BootObjectMapper.create();
    final MovableClock clock = MovableClock.at(Instant.parse("2026-11-01T10:00:00.123456789Z"));
    DriverManagerDataSource dataSource;
    JdbcTemplate jdbc;
    /**
     * The store of the version before the RocksDB one: writes the table as it did (but for binding
     * {@code update_time} in UTC, which that version bound through the JVM's zone).
     */
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
        assertThat(refusal).hasMessageContaining("cannot be recovered from it");
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
        twoDocumentsWrittenAMinuteApart();
        try (RocksDocumentStore store = start()) {
            store.set("tenants/t2", Map.of("plan", "basic"));
        }
        clock.advance(Duration.ofSeconds(-30)); // the older version's host is behind
        table.set("tenants/t1", Map.of("plan", "enterprise"));

        StoreRefusedToStartException refusal = refused();
        assertThat(refusal).hasMessageContaining("1 document added or rewritten, 0 deleted");
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
        twoDocumentsWrittenAMinuteApart();
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
        JvmZone.during("Europe/Madrid", () -> {
            clock.set(Instant.parse("2026-10-25T01:30:00Z")); // 02:30 CET, after 02:30 CEST
            table.set("tenants/t1", Map.of("plan", "pro"));
            start().close();
            assertThat(databaseMarkTime()).isEqualTo(Instant.parse("2026-10-25T01:30:00Z"));
            clock.advance(Duration.ofMinutes(1));
            start().close();
            assertThat(databaseMarkTime()).isEqualTo(Instant.parse("2026-10-25T01:30:00Z"));
        });
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
        jdbc.update("UPDATE pasarela_store_import SET copied_at = ?, rows_copied_at = ?", utc(first), utc(first));

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

    /** The mark of commit dfa6715, as its {@code DocumentsTableImport.Mark} was declared. */
    record Mark(Instant copiedAt, long documents, Instant lastUpdate) {
    }

    /** The mark commit dfa6715 wrote with the application's mapper: read, and the start goes on. */
    @Test
    void theJsonMarkOfAnEarlierCommitIsRead() throws Exception {
        table.set("tenants/t1", Map.of("plan", "pro"));
        Instant lastUpdate = jdbc.queryForObject("SELECT MAX(update_time) FROM pasarela_documents",
                OffsetDateTime.class).toInstant();
        String mark = json.writeValueAsString(new Mark(Instant.parse("2026-11-01T10:00:00.123Z"), 1, lastUpdate));
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
        assertThat(refused()).hasMessageContaining("1 document added or rewritten");
    }

    @Test
    void aMarkThisVersionCannotReadIsRefusedUntilTheStoreIsKeptOnPurpose() {
        table.set("tenants/t1", Map.of("plan", "pro"));
        try (RocksDocumentStore store = RocksDocumentStore.open(dir.resolve("store"), json)) {
            store.importDocuments(row -> row.accept("tenants/t1", "{\"plan\":\"basic\"}"), "v9 from the future");
        }
        StoreRefusedToStartException refusal = refused();
        assertThat(refusal).hasMessageContaining("written by a later version");
        try (RocksDocumentStore store = start(againFrom(refusal))) {
            assertThat(store.get("tenants/t1").orElseThrow().field("plan")).isEqualTo("basic");
            assertThat(store.importMark().orElseThrow()).startsWith("v2 ");
        }
        start().close();
    }

    /** dfa6715 marked an empty table too: its JSON mark then has no latest write. */
    @Test
    void theJsonMarkOfAnEarlierCommitIsReadForAnEmptyTable() throws Exception {
        String mark = json.writeValueAsString(new Mark(Instant.parse("2026-11-01T10:00:00.123Z"), 0, null));
        try (RocksDocumentStore store = RocksDocumentStore.open(dir.resolve("store"), json)) {
            store.importDocuments(row -> { }, mark);
        }
        start().close();
        table.set("tenants/t1", Map.of("plan", "pro"));
        assertThat(refused()).hasMessageContaining("1 document added or rewritten");
    }

    /**
     * Two marks this version cannot read, of the same length, are two disagreements: the code one was
     * started with does not let the other through.
     */
    @Test
    void unreadableMarksOfTheSameLengthHaveTheirOwnCodes() {
        table.set("tenants/t1", Map.of("plan", "pro"));
        try (RocksDocumentStore store = RocksDocumentStore.open(dir.resolve("store"), json)) {
            store.importDocuments(row -> { }, "v9 AAAAAAAAAAAAAAAA");
        }
        String first = againFrom(refused());
        try (RocksDocumentStore store = RocksDocumentStore.open(dir.resolve("store"), json)) {
            store.importDocuments(row -> { }, "v9 BBBBBBBBBBBBBBBB");
        }
        assertThat(againFrom(refused())).isNotEqualTo(first);
        assertThatThrownBy(() -> start(first)).isInstanceOf(StoreRefusedToStartException.class)
                .hasMessageContaining("another disagreement");
    }

    /**
     * The database still records the copy when the store's mark cannot be read: what a rollback wrote
     * to the table since is seen and copied, not marked over.
     */
    @Test
    void aRollbacksWritesAreCopiedWhenTheStoresMarkCannotBeRead() {
        table.set("tenants/t1", Map.of("plan", "pro"));
        table.set("tenants/t2", Map.of("plan", "pro"));
        try (RocksDocumentStore store = start()) {
            store.set("tenants/t2", Map.of("plan", "basic"));
        }
        clock.advance(Duration.ofDays(1));
        table.set("tenants/t1", Map.of("plan", "enterprise"));
        try (RocksDocumentStore store = RocksDocumentStore.open(dir.resolve("store"), json)) {
            store.importDocuments(row -> { }, "v9 from the future");
        }

        StoreRefusedToStartException refusal = refused();
        assertThat(refusal).hasMessageContaining("written by a later version")
                .hasMessageContaining("1 document added or rewritten, 0 deleted");
        try (RocksDocumentStore store = start(againFrom(refusal))) {
            assertThat(store.get("tenants/t1").orElseThrow().field("plan")).isEqualTo("enterprise");
            assertThat(store.get("tenants/t2").orElseThrow().field("plan")).isEqualTo("basic");
        }
        start().close();
    }

    @Test
    void aTableAddedToAndDeletedFromIsRefusedUntilWhatWasAddedIsCopiedOnPurpose() {
        table.set("tenants/t1", Map.of("plan", "pro"));
        table.set("tenants/t2", Map.of("plan", "pro"));
        start().close();
        clock.advance(Duration.ofMinutes(1));
        table.delete("tenants/t1");
        table.set("tenants/t3", Map.of("plan", "free"));

        StoreRefusedToStartException refusal = refused();
        assertThat(refusal).hasMessageContaining("1 document added or rewritten, 1 deleted");
        try (RocksDocumentStore store = start(againFrom(refusal))) {
            assertThat(store.get("tenants/t1")).as("what was deleted stays in the store").isPresent();
            assertThat(store.get("tenants/t3").orElseThrow().field("plan")).isEqualTo("free");
        }
        start().close();
    }

    /**
     * A database marked by 3522474..8e24a24, which recorded no rows: the table is compared by count
     * and latest write, and the start that finds them agreeing records the rows, so a rewrite with a
     * clock behind is seen after it.
     */
    @Test
    void theRowsAreRecordedOnUpgradeFromAVersionThatMarkedWithoutThem() {
        twoDocumentsWrittenAMinuteApart();
        start().close();
        asMarkedWithoutTheRows();

        start().close();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM pasarela_store_import_rows", Long.class)).isEqualTo(2);
        assertThat(jdbc.queryForObject("SELECT rows_copied_at FROM pasarela_store_import", OffsetDateTime.class)
                .toInstant()).isEqualTo(databaseMarkTime());
        clock.advance(Duration.ofSeconds(-30));
        table.set("tenants/t1", Map.of("plan", "enterprise"));
        assertThat(refused()).hasMessageContaining("1 document added or rewritten, 0 deleted");
    }

    /**
     * Marked by 8e24a24, then an older version with a clock behind the copy's added a document: the
     * count and the latest write cannot tell this from a {@code db/} restored apart, and {@code again}
     * copies what the store has not got rather than drop it.
     */
    @Test
    void aDocumentAddedByAClockBehindWithoutTheRowsIsCopiedOnPurpose() {
        twoDocumentsWrittenAMinuteApart();
        try (RocksDocumentStore store = start()) {
            store.set("tenants/t2", Map.of("plan", "basic"));
        }
        asMarkedWithoutTheRows();
        clock.advance(Duration.ofSeconds(-30));
        table.set("tenants/t3", Map.of("plan", "free"));
        table.set("tenants/t1", Map.of("plan", "enterprise"));

        StoreRefusedToStartException refusal = refused();
        assertThat(refusal).hasMessageContaining("1 document not written after the copy's latest write is in"
                + " the table and not in the store").hasMessageContaining("2 documents then, 3 now");
        try (RocksDocumentStore store = start(againFrom(refusal))) {
            assertThat(store.get("tenants/t3").orElseThrow().field("plan")).isEqualTo("free");
            assertThat(store.get("tenants/t2").orElseThrow().field("plan")).isEqualTo("basic");
            assertThat(store.get("tenants/t1").orElseThrow().field("plan")).as("none of the store's is replaced")
                    .isEqualTo("pro");
        }
        start().close();
    }

    /**
     * Without the rows' record, a rollback that added a document with its clock behind the copy's and
     * then, its clock set right, wrote another: again copies both, not only what was written after.
     */
    @Test
    void aDocumentAddedByAClockBehindBesideWritesSinceWithoutTheRowsIsCopiedToo() {
        twoDocumentsWrittenAMinuteApart();
        start().close();
        asMarkedWithoutTheRows();
        clock.advance(Duration.ofSeconds(-30));
        table.set("tenants/t3", Map.of("plan", "free"));
        clock.advance(Duration.ofDays(1));
        table.set("tenants/t4", Map.of("plan", "free"));

        StoreRefusedToStartException refusal = refused();
        assertThat(refusal).hasMessageContaining("written after").hasMessageContaining("1 document not written after"
                + " the copy's latest write is in the table and not in the store");
        try (RocksDocumentStore store = start(againFrom(refusal))) {
            assertThat(store.get("tenants/t3")).isPresent();
            assertThat(store.get("tenants/t4")).isPresent();
        }
        start().close();
    }

    /** As above, where the rollback also deleted: fewer documents than copied, one of them not in the store. */
    @Test
    void aDocumentAddedByAClockBehindAmongDeletionsWithoutTheRowsIsCopiedOnPurpose() {
        table.set("tenants/t1", Map.of("plan", "pro"));
        table.set("tenants/t2", Map.of("plan", "pro"));
        clock.advance(Duration.ofMinutes(1));
        table.set("tenants/t3", Map.of("plan", "pro"));
        start().close();
        asMarkedWithoutTheRows();
        table.delete("tenants/t1");
        table.delete("tenants/t2");
        clock.advance(Duration.ofSeconds(-30));
        table.set("tenants/t4", Map.of("plan", "free"));

        StoreRefusedToStartException refusal = refused();
        assertThat(refusal).hasMessageContaining("3 documents then, 2 now")
                .hasMessageContaining("1 document not written after the copy's latest write is in the table and not in the store");
        try (RocksDocumentStore store = start(againFrom(refusal))) {
            assertThat(store.get("tenants/t4")).isPresent();
            assertThat(store.get("tenants/t1")).as("what was deleted stays in the store").isPresent();
        }
        start().close();
    }

    /**
     * store/ restored alone from a backup of this version's copy, after ee4cbf6 (which does not know
     * rows_copied_at) copied a rollback's write and recorded its own mark and rows: those rows are not
     * the store's copy's, though rows_copied_at still names it.
     */
    @Test
    void rowsAVersionWithoutTheColumnRecordedAgainAreNotTakenForTheStoresCopy() throws IOException {
        table.set("tenants/t1", Map.of("plan", "pro"));
        start().close();
        Path backup = dir.resolve("backup");
        FileSystemUtils.copyRecursively(dir.resolve("store"), backup);
        clock.advance(Duration.ofDays(1));
        table.set("tenants/t1", Map.of("plan", "enterprise")); // the rollback
        clock.advance(Duration.ofMinutes(1));
        ImportMark ee4cbf6s = markOfTheTableNow(); // ee4cbf6's again: copies, records its rows and mark
        try (RocksDocumentStore store = RocksDocumentStore.open(dir.resolve("store"), json)) {
            store.importDocuments(row -> row.accept("tenants/t1", "{\"plan\":\"enterprise\"}"), ee4cbf6s.text());
        }
        jdbc.update("DELETE FROM pasarela_store_import_rows");
        jdbc.update("INSERT INTO pasarela_store_import_rows(path, update_time) SELECT path, update_time"
                + " FROM pasarela_documents");
        jdbc.update("UPDATE pasarela_store_import SET copied_at = ?, documents = ?, last_update = ?",
                utc(ee4cbf6s.copiedAt()), ee4cbf6s.documents(), utc(ee4cbf6s.lastUpdate()));
        deleteStore();
        FileSystemUtils.copyRecursively(backup, dir.resolve("store"));

        StoreRefusedToStartException refusal = refused();
        assertThat(refusal).hasMessageContaining("written after");
        try (RocksDocumentStore store = start(againFrom(refusal))) {
            assertThat(store.get("tenants/t1").orElseThrow().field("plan")).isEqualTo("enterprise");
        }
    }

    /**
     * An empty table was copied and db/'s mark is gone (restored from before the upgrade): what the
     * table has now was all written since, and again copies all of it.
     */
    @Test
    void whatWasWrittenAfterTheCopyOfAnEmptyTableIsCopiedWhole(CapturedOutput output) {
        start().close();
        jdbc.update("DELETE FROM pasarela_store_import");
        table.set("tenants/t1", Map.of("plan", "pro"));

        StoreRefusedToStartException refusal = refused();
        assertThat(refusal).hasMessageContaining("written after").hasMessageContaining("0 documents then, 1 now");
        try (RocksDocumentStore store = start(againFrom(refusal))) {
            assertThat(store.get("tenants/t1")).isPresent();
        }
        assertThat(output.getOut()).contains("copied 1 document from the table pasarela_documents: all of them (the"
                + " copied table was empty)").doesNotContain("since null");
        start().close();
    }

    /**
     * ee4cbf6 recorded the rows with its mark, before {@code rows_copied_at}: after the column is added
     * (null) they are still compared with, so an older version's rewrite with a clock behind is seen,
     * not recorded over.
     */
    @Test
    void theRowsOfTheVersionBeforeRowsCopiedAtAreComparedWith() {
        twoDocumentsWrittenAMinuteApart();
        start().close();
        asMarkedByTheVersionBeforeRowsCopiedAt();
        start().close();
        assertThat(jdbc.queryForObject("SELECT rows_copied_at FROM pasarela_store_import", OffsetDateTime.class))
                .as("tied to the mark by the start that found them agreeing").isNotNull();

        asMarkedByTheVersionBeforeRowsCopiedAt();
        clock.advance(Duration.ofSeconds(-30));
        table.set("tenants/t1", Map.of("plan", "enterprise"));
        assertThat(refused()).hasMessageContaining("1 document added or rewritten, 0 deleted");
    }

    /** Marked by 8e24a24 and rolled back since: again copies what was written after the mark, only. */
    @Test
    void whatWasWrittenSinceAMarkWithoutTheRowsIsCopiedOnPurpose() {
        table.set("tenants/t1", Map.of("plan", "pro"));
        table.set("tenants/t2", Map.of("plan", "pro"));
        try (RocksDocumentStore store = start()) {
            store.set("tenants/t2", Map.of("plan", "basic"));
        }
        asMarkedWithoutTheRows();
        clock.advance(Duration.ofDays(1));
        table.set("tenants/t3", Map.of("plan", "free"));

        StoreRefusedToStartException refusal = refused();
        assertThat(refusal).hasMessageContaining("written after").hasMessageContaining("2 documents then, 3 now");
        try (RocksDocumentStore store = start(againFrom(refusal))) {
            assertThat(store.get("tenants/t2").orElseThrow().field("plan")).isEqualTo("basic");
            assertThat(store.get("tenants/t3").orElseThrow().field("plan")).isEqualTo("free");
        }
        start().close();
    }

    /**
     * This version recorded the rows; a rollback wrote the table; 8e24a24's {@code again} copied that
     * and marked both sides anew without the rows; the store was written since. The rows recorded
     * first are not the copy's any more: comparing with them would ask to copy the table's older
     * document over the store's.
     */
    @Test
    void rowsRecordedForAnEarlierMarkAreNotComparedWith() {
        table.set("tenants/t1", Map.of("plan", "pro"));
        start().close();
        theStoreWritesOnAfterARollbackAnd8e24a24sAgain();
    }

    /** As above, over the rows of ee4cbf6, which recorded them without {@code rows_copied_at}. */
    @Test
    void rowsOfTheVersionBeforeRowsCopiedAtRecordedForAnEarlierMarkAreNotComparedWith() {
        table.set("tenants/t1", Map.of("plan", "pro"));
        start().close();
        asMarkedByTheVersionBeforeRowsCopiedAt();
        theStoreWritesOnAfterARollbackAnd8e24a24sAgain();
    }

    private void theStoreWritesOnAfterARollbackAnd8e24a24sAgain() {
        clock.advance(Duration.ofDays(1));
        table.set("tenants/t1", Map.of("plan", "enterprise")); // the rollback
        clock.advance(Duration.ofMinutes(1));
        try (RocksDocumentStore store = RocksDocumentStore.open(dir.resolve("store"), json)) { // 8e24a24's again
            store.importDocuments(row -> row.accept("tenants/t1", "{\"plan\":\"enterprise\"}"),
                    markOfTheTableNow().text());
        }
        jdbc.update("UPDATE pasarela_store_import SET copied_at = ?, documents = ?, last_update = ?",
                utc(markOfTheTableNow().copiedAt()), 1, utc(markOfTheTableNow().lastUpdate()));
        try (RocksDocumentStore store = start()) {
            store.set("tenants/t1", Map.of("plan", "basic")); // the upgraded gateway writes on
        }
        try (RocksDocumentStore store = start()) {
            assertThat(store.get("tenants/t1").orElseThrow().field("plan")).isEqualTo("basic");
        }
    }

    /**
     * An {@code again} start that stopped after the store's mark and before the database's: the store
     * has the copy, and the next start records it in the database, without asking again.
     */
    @Test
    void anAgainThatStoppedBetweenTheTwoMarksIsFinishedByTheNextStart() {
        table.set("tenants/t1", Map.of("plan", "pro"));
        start().close();
        clock.advance(Duration.ofDays(1));
        table.set("tenants/t1", Map.of("plan", "enterprise"));
        String again = againFrom(refused());
        Map<String, Object> databaseMark = jdbc.queryForMap("SELECT * FROM pasarela_store_import");
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT * FROM pasarela_store_import_rows");
        clock.advance(Duration.ofMinutes(1));
        start(again).close();
        // the database as it was before the start's last transaction
        jdbc.update("DELETE FROM pasarela_store_import_rows");
        rows.forEach(row -> jdbc.update("INSERT INTO pasarela_store_import_rows(path, update_time) VALUES (?, ?)",
                row.get("PATH"), row.get("UPDATE_TIME")));
        jdbc.update("UPDATE pasarela_store_import SET copied_at = ?, documents = ?, last_update = ?, rows_copied_at = ?",
                databaseMark.get("COPIED_AT"), databaseMark.get("DOCUMENTS"), databaseMark.get("LAST_UPDATE"),
                databaseMark.get("ROWS_COPIED_AT"));

        try (RocksDocumentStore store = start()) {
            assertThat(store.get("tenants/t1").orElseThrow().field("plan")).isEqualTo("enterprise");
            assertThat(ImportMark.parse(store.importMark().orElseThrow(), json).copiedAt())
                    .isEqualTo(databaseMarkTime());
        }
        clock.advance(Duration.ofSeconds(-30));
        table.set("tenants/t1", Map.of("plan", "free"));
        assertThat(refused()).as("the rows are recorded for the store's mark")
                .hasMessageContaining("1 document added or rewritten, 0 deleted");
    }

    private RocksDocumentStore start() {
        return start("once");
    }

    /** t1 then t2 in the table, a minute apart: t2 is the latest write. */
    private void twoDocumentsWrittenAMinuteApart() {
        table.set("tenants/t1", Map.of("plan", "pro"));
        clock.advance(Duration.ofMinutes(1));
        table.set("tenants/t2", Map.of("plan", "pro"));
    }

    /** The database as ee4cbf6 left it: its mark and rows, and then the column added by schema.sql, null. */
    private void asMarkedByTheVersionBeforeRowsCopiedAt() {
        jdbc.execute("ALTER TABLE pasarela_store_import DROP COLUMN rows_copied_at");
        EmbeddedDatabases.open(dir);
    }

    /** The database as 3522474..8e24a24 left it: a mark, no rows, no rows_copied_at. */
    private void asMarkedWithoutTheRows() {
        jdbc.update("DELETE FROM pasarela_store_import_rows");
        jdbc.update("UPDATE pasarela_store_import SET rows_copied_at = NULL");
    }

    private ImportMark markOfTheTableNow() {
        return new ImportMark(clock.instant().truncatedTo(ChronoUnit.MILLIS),
                jdbc.queryForObject("SELECT COUNT(*) FROM pasarela_documents", Long.class),
                jdbc.queryForObject("SELECT MAX(update_time) FROM pasarela_documents", OffsetDateTime.class).toInstant());
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
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
