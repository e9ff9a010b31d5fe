package dev.pasarela.store.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.store.config.CopiedTable.Differences;
import dev.pasarela.store.config.ImportMark.TableState;
import dev.pasarela.store.embedded.RocksDocumentStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the documents the embedded store kept before (the embedded H2's table
 * {@code pasarela_documents}) into the RocksDB store, once, and refuses a start where the two no
 * longer belong together.
 *
 * <p>The copy leaves a mark on both sides: in the store, with its last documents, and in the same
 * database as the table, with each document's path and {@code update_time} ({@link CopiedTable}).
 * A start then tells apart:
 * <ul>
 *   <li>a store without its copy while the database records one: {@code store/} was lost or not
 *       restored with {@code db/};</li>
 *   <li>a table written after the copy: a version from before the RocksDB store ran on this data
 *       directory since (a rollback), and wrote to the table what the store has not got;</li>
 *   <li>documents deleted from the table since, or a table that is not the one copied: a rollback
 *       that deleted, or {@code db/} restored apart;</li>
 *   <li>a store mark this version cannot read.</li>
 * </ul>
 * Each refuses to start with a code; {@code PASARELA_STORE_TABLE_IMPORT=again:<code>} takes that
 * disagreement, and only that one, as the refusal says (a setting left behind lets no later one
 * through), and the marks are made again.
 */
final class DocumentsTableImport {

    private static final Logger log = LoggerFactory.getLogger(DocumentsTableImport.class);
    private static final String DOCS = " (docs/operations.md, Data and restarts)";
    private static final String AGAIN = "again:";

    private final CopiedTable table;
    private final ObjectMapper json;
    private final Clock clock;

    DocumentsTableImport(DataSource dataSource, ObjectMapper json, Clock clock) {
        this.table = new CopiedTable(dataSource);
        this.json = json;
        this.clock = clock;
    }

    /**
     * What a start found wrong, what {@code again} does about it, and the code that names it: the
     * first eight hex digits of the problem's SHA-256, which says the marks' times and the counts,
     * so the same code comes back while nothing changes and never for a later disagreement.
     */
    private record Disagreement(String problem, String takenAs, Runnable resolution) {

        String code() {
            try {
                byte[] hash = MessageDigest.getInstance("SHA-256").digest(problem.getBytes(StandardCharsets.UTF_8));
                return HexFormat.of().formatHex(hash, 0, 4);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e); // every JVM has SHA-256
            }
        }
    }

    /**
     * Copies the table into {@code store} when it has not got it yet. When the two disagree, refuses
     * (a {@link StoreRefusedToStartException} that says what to do) unless {@code tableImport} is
     * {@code again:} with that disagreement's code.
     *
     * @param tableImport {@code once} or {@code again:<code>} (PASARELA_STORE_TABLE_IMPORT)
     */
    void run(RocksDocumentStore store, String tableImport) {
        String approved = tableImport.startsWith(AGAIN) ? tableImport.substring(AGAIN.length()) : null;
        Optional<Disagreement> disagreement = check(store);
        if (disagreement.isEmpty()) {
            if (approved != null) {
                log.warn("PASARELA_STORE_TABLE_IMPORT={} is set, but the embedded store and the table pasarela_documents"
                        + " agree: remove it{}", tableImport, DOCS);
            }
            return;
        }
        Disagreement found = disagreement.get();
        String code = found.code();
        if (!code.equals(approved)) {
            String other = approved == null ? "" : " (PASARELA_STORE_TABLE_IMPORT=" + tableImport
                    + " is set for another disagreement than this one.)";
            throw new StoreRefusedToStartException(found.problem() + other, "Restore store/ and db/ from one backup."
                    + " To start anyway, set PASARELA_STORE_TABLE_IMPORT=" + AGAIN + code + " for one start: "
                    + found.takenAs() + DOCS + ".");
        }
        log.warn("Business data store: PASARELA_STORE_TABLE_IMPORT={}: {} Taken as told: {} Remove the setting now.",
                tableImport, found.problem(), found.takenAs());
        found.resolution().run();
    }

    /** Empty when the store and the table agree (after copying or marking what is the same either way). */
    private Optional<Disagreement> check(RocksDocumentStore store) {
        Optional<String> storeMark = store.importMark();
        Optional<ImportMark> inDatabase = table.mark();
        if (storeMark.isEmpty()) {
            if (inDatabase.isPresent()) {
                return Optional.of(storeMissing(store, inDatabase.get()));
            }
            copy(store, table::readAll, null);
            return Optional.empty();
        }
        ImportMark copy;
        try {
            copy = ImportMark.parse(storeMark.get(), json);
        } catch (IllegalArgumentException e) {
            return Optional.of(new Disagreement("the embedded store's mark of its copy of the table"
                    + " pasarela_documents is not one this version reads (" + storeMark.get().length()
                    + " characters): it was written by a version this one does not know.",
                    "the store is kept as it is and marked again", () -> mark(store)));
        }
        if (inDatabase.equals(Optional.of(copy)) && table.rowsRecordedFor(copy)) {
            return comparedRowByRow(store, copy, table.differences());
        }
        return comparedByCount(store, copy, table.state());
    }

    private Disagreement storeMissing(RocksDocumentStore store, ImportMark copy) {
        String lost = copy.documents() == 0
                ? "The table was empty then: what the store held since cannot be had from it."
                : "The table holds what was written before that copy, not since.";
        return new Disagreement("the database records that the table pasarela_documents (" + copy.documents()
                + " documents) was copied into the embedded store" + when(copy) + ", but the store has not got the"
                + " copy: store/ is missing or was not restored with db/. " + lost,
                "the store gets the table's documents", () -> copy(store, table::readAll, null));
    }

    /** The marks agree and the database recorded the rows copied: each document is compared. */
    private Optional<Disagreement> comparedRowByRow(RocksDocumentStore store, ImportMark copy, Differences changes) {
        if (changes.none()) {
            return Optional.empty();
        }
        String counts = " (" + changes.addedOrRewritten() + " documents added or rewritten, " + changes.deleted()
                + " deleted)";
        if (changes.addedOrRewritten() > 0) {
            return Optional.of(new Disagreement("the table pasarela_documents was written after its documents were"
                    + " copied into the embedded store" + when(copy) + counts + ": a version from before the RocksDB"
                    + " store ran on this data directory since (a rollback) and wrote there what the store has not got.",
                    "the documents the table has that were added or rewritten since the copy are copied into the store,"
                            + " over the store's version where both changed one; what was deleted stays in the store",
                    () -> copy(store, table::readNotAsCopied, "added or rewritten since the copy")));
        }
        return Optional.of(new Disagreement("documents were deleted from the table pasarela_documents after it was"
                + " copied into the embedded store" + when(copy) + counts + ": a version from before the RocksDB store"
                + " ran on this data directory since (a rollback) and deleted them, or db/ was restored apart.",
                "the store is kept as it is (the documents stay in it) and marked again", () -> mark(store)));
    }

    /**
     * The database has no record of the rows for the store's mark (a version that marked without it,
     * a copy whose database mark was lost or restored from another one): the table's count and latest
     * write are compared with the mark, and when they agree the rows are recorded now.
     */
    private Optional<Disagreement> comparedByCount(RocksDocumentStore store, ImportMark copy, TableState now) {
        if (copy.describes(now)) {
            if (copy.copiedAt() == null) {
                mark(store); // the first version's mark: made again with what this version records
            } else {
                table.record(copy);
            }
            return Optional.empty();
        }
        String counts = " (" + copy.documents() + " documents then, " + now.documents() + " now)";
        if (copy.copiedAt() == null) {
            return Optional.of(new Disagreement("the table pasarela_documents is not what the embedded store's first"
                    + " version copied" + counts + ": an older version wrote it since (a rollback), or db/ was restored"
                    + " apart. That version's mark does not say when it copied.",
                    "the whole table is copied into the store, over the store's version of every document it has",
                    () -> copy(store, table::readAll, "all of them, under the first version's mark")));
        }
        if (now.hasWritesAfter(copy.lastUpdate())) {
            return Optional.of(new Disagreement("the table pasarela_documents was written after its documents were"
                    + " copied into the embedded store" + when(copy) + counts + ": a version from before the RocksDB"
                    + " store ran on this data directory since (a rollback) and wrote there what the store has not got.",
                    "the documents written to the table since the copy are copied into the store, over the store's"
                            + " version where both changed one; what was deleted stays in the store",
                    () -> copy(store, after -> table.readWrittenAfter(copy.lastUpdate(), after),
                            "written since " + copy.lastUpdate())));
        }
        return Optional.of(new Disagreement("the table pasarela_documents is not the one copied into the embedded store"
                + when(copy) + counts + ", and has nothing written since: db/ was restored apart from store/.",
                "the store is kept as it is and marked again", () -> mark(store)));
    }

    /**
     * Copies what {@code rows} reads (before the marks are made again: it may compare with them) and
     * marks the copy: the store's mark with its last batch, then the database's.
     */
    private void copy(RocksDocumentStore store, Consumer<BiConsumer<String, String>> rows, String which) {
        ImportMark mark = markOfTheTable();
        long copied = store.importDocuments(rows, mark.text());
        table.record(mark);
        if (which != null) {
            log.warn("Business data store: copied {} documents from the table pasarela_documents, {}", copied, which);
        } else if (copied > 0) {
            log.info("Business data store: copied {} documents from the table pasarela_documents", copied);
        }
    }

    /** Marks the table as copied as it is, copying nothing. */
    private void mark(RocksDocumentStore store) {
        ImportMark mark = markOfTheTable();
        store.importDocuments(document -> { }, mark.text());
        table.record(mark);
    }

    private ImportMark markOfTheTable() {
        TableState now = table.state();
        // to the database's precision, so the two marks read back equal
        return new ImportMark(clock.instant().truncatedTo(ChronoUnit.MILLIS), now.documents(), now.lastUpdate());
    }

    private static String when(ImportMark mark) {
        return mark.copiedAt() == null ? "" : " on " + mark.copiedAt();
    }
}
