package dev.pasarela.store.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.store.config.CopiedTable.Differences;
import dev.pasarela.store.config.ImportMark.TableState;
import dev.pasarela.store.embedded.RocksDocumentStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
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
 * Versions are named by commit: 009fbcf and before keep the documents in the table; 86f8c28 was the
 * first RocksDB version (its mark, a bare count); 3522474..8e24a24 marked the database without the
 * rows; ee4cbf6 recorded the rows without tying them to the mark ({@code rows_copied_at}).
 * Each refuses to start with a code; {@code PASARELA_STORE_TABLE_IMPORT=again:<code>} takes that
 * disagreement, and only that one, as the refusal says (a setting left behind lets no later one
 * through), and the marks are made again.
 */
final class DocumentsTableImport {

    private static final Logger log = LoggerFactory.getLogger(DocumentsTableImport.class);
    private static final String DOCS = " (docs/operations.md, Data and restarts)";
    private static final String AGAIN = "again:";
    /** Who writes the table after the copy: the older versions, and this one on its jdbc store. */
    private static final String SINCE_THEN = ": since then, a version from before the RocksDB store (a rollback), or"
            + " this version with PASARELA_STORE_TYPE=jdbc (which keeps its documents in that table), ran on this data"
            + " directory and";
    private static final String KEPT = "the store is kept as it is and marked again";
    private static final String DELETED_STAY = "; documents deleted from the table stay in the store";
    private static final String ABSENT_COPIED = "the documents the table has and the store has not got are copied"
            + " into it (one the store deleted since the copy comes back)";
    private static final String NOT_SEEN = " Without db/'s record of each document copied, a document rewritten"
            + " with a time before the copy's latest write is not seen.";

    private final CopiedTable table;
    private final ObjectMapper json;
    private final Clock clock;

    DocumentsTableImport(DataSource dataSource, ObjectMapper json, Clock clock) {
        this.table = new CopiedTable(dataSource);
        this.json = json;
        this.clock = clock;
    }

    /** What a start found wrong and what {@code again} does about it. */
    private record Disagreement(String problem, String takenAs, Runnable resolution) {

        /**
         * The code that names this disagreement: the first eight hex digits of the SHA-256 of the
         * problem (the marks' times, the counts) and of {@code evidence} (both marks whole and the
         * table's state), so the same code comes back while nothing changes and not for a later
         * disagreement.
         */
        String code(String evidence) {
            try {
                byte[] hash = MessageDigest.getInstance("SHA-256")
                        .digest((problem + "\n" + evidence).getBytes(StandardCharsets.UTF_8));
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
        Optional<Disagreement> disagreement = compareOrCopy(store);
        if (disagreement.isEmpty()) {
            if (approved != null) {
                log.warn("PASARELA_STORE_TABLE_IMPORT={} is set, but the embedded store and the table pasarela_documents"
                        + " agree: remove it{}", tableImport, DOCS);
            }
            return;
        }
        Disagreement found = disagreement.get();
        String code = found.code(store.importMark().orElse("-") + "\n" + table.mark() + "\n" + table.state());
        if (!code.equals(approved)) {
            String other = approved == null ? "" : " (PASARELA_STORE_TABLE_IMPORT=" + tableImport
                    + " is set for another disagreement than this one.)";
            throw new StoreRefusedToStartException(found.problem() + other, "Restore store/ and db/ from one backup."
                    + " To start anyway, set PASARELA_STORE_TABLE_IMPORT=" + AGAIN + code + " for one start: "
                    + found.takenAs() + DOCS + ".");
        }
        log.warn("Business data store: PASARELA_STORE_TABLE_IMPORT={}: {} As told, {}. Remove the setting now.",
                tableImport, found.problem(), found.takenAs());
        found.resolution().run();
    }

    /**
     * Makes the first copy, or compares the store's copy with the table; where the two agree, records
     * what this version records and older ones did not (the rows, their tie to the mark, a mark made
     * again). Empty when they agree.
     */
    private Optional<Disagreement> compareOrCopy(RocksDocumentStore store) {
        Optional<String> storeMark = store.importMark();
        Optional<ImportMark> inDatabase = table.mark();
        if (storeMark.isEmpty()) {
            if (inDatabase.isPresent()) {
                return Optional.of(storeMissing(store, inDatabase.get()));
            }
            firstCopy(store);
            return Optional.empty();
        }
        ImportMark copied;
        try {
            copied = ImportMark.parse(storeMark.get(), json);
        } catch (IllegalArgumentException e) {
            return Optional.of(unreadable(store, inDatabase));
        }
        if (table.rowsRecordedFor(copied)) {
            Optional<Disagreement> byRow = comparedRowByRow(store, copied, table.differences());
            if (byRow.isEmpty()) {
                table.tieRows(copied);
            }
            return byRow;
        }
        // no record of the rows taken with this mark: none can be written over by recording them now
        Optional<Disagreement> byCount = comparedByCount(store, copied, table.state());
        if (byCount.isEmpty()) {
            if (copied.copiedAt() == null) {
                mark(store); // the first version's mark: made again with what this version records
            } else {
                table.record(copied);
            }
        }
        return byCount;
    }

    /**
     * A store mark this version cannot read: the database's mark, when there is one, still says what
     * was copied, so the table is compared with it and {@code again} does what that comparison asks
     * (a rollback's writes are not dropped by marking over them).
     */
    private Disagreement unreadable(RocksDocumentStore store, Optional<ImportMark> inDatabase) {
        String problem = "the embedded store's mark of its copy of the table pasarela_documents was written by a later"
                + " version, which may have copied from the table since: start that version if you can.";
        if (inDatabase.isEmpty()) {
            return new Disagreement(problem + " The database has no record of the copy to compare the table with.",
                    KEPT, () -> mark(store));
        }
        ImportMark copied = inDatabase.get();
        Optional<Disagreement> withTable = table.rowsThisVersionTiedTo(copied)
                ? comparedRowByRow(store, copied, table.differences())
                : comparedByCount(store, copied, table.state());
        return withTable.map(found -> new Disagreement(problem + " Compared with the database's record of the copy, "
                        + found.problem(), found.takenAs(), found.resolution()))
                .orElseGet(() -> new Disagreement(problem + " The table is as the database records its copy"
                        + when(copied) + ".", KEPT, () -> mark(store)));
    }

    private Disagreement storeMissing(RocksDocumentStore store, ImportMark copied) {
        String lost = copied.documents() == 0
                ? "The table was empty then: what the store held since cannot be recovered from it."
                : "The table holds what was written before that copy, not since.";
        return new Disagreement("the database records that the table pasarela_documents ("
                + documents(copied.documents()) + ") was copied into the embedded store" + when(copied) + ", but the"
                + " store has not got the copy: store/ is missing or was not restored with db/. " + lost,
                "the store gets the table's documents",
                () -> copyOnPurpose(store, table::readAll, "the whole table, the store having none"));
    }

    /** The database recorded the rows it copied with the store's mark: each document is compared. */
    private Optional<Disagreement> comparedRowByRow(RocksDocumentStore store, ImportMark copied, Differences changes) {
        if (changes.none()) {
            return Optional.empty();
        }
        String counts = " (" + documents(changes.addedOrRewritten()) + " added or rewritten, " + changes.deleted()
                + " deleted)";
        if (changes.addedOrRewritten() > 0) {
            return Optional.of(new Disagreement("the table pasarela_documents was written after its documents were"
                    + " copied into the embedded store" + when(copied) + counts + SINCE_THEN
                    + " wrote there what the store has not got.",
                    "the documents the table has that were added or rewritten since the copy are copied into the store,"
                            + " over the store's version where both changed one" + DELETED_STAY,
                    () -> copyOnPurpose(store, table::readNotAsCopied, "added or rewritten since the copy")));
        }
        return Optional.of(new Disagreement("documents were deleted from the table pasarela_documents after it was"
                + " copied into the embedded store" + when(copied) + counts + SINCE_THEN + " deleted them, or db/ was"
                + " restored apart.", KEPT + DELETED_STAY, () -> mark(store)));
    }

    /**
     * The database has no record of the rows for the store's mark (a version that marked without it,
     * a copy whose database mark was lost or restored from another one): the table's count and latest
     * write are compared with the mark (empty when they agree).
     */
    private Optional<Disagreement> comparedByCount(RocksDocumentStore store, ImportMark copied, TableState now) {
        if (copied.describes(now)) {
            return Optional.empty();
        }
        String counts = " (" + documents(copied.documents()) + " then, " + now.documents() + " now)";
        if (copied.copiedAt() == null) {
            return Optional.of(firstVersionsCopyChanged(store, counts));
        }
        // without the rows' record, an add by an older version whose clock was behind the copy's is
        // seen only as a document not written after the copy's latest that the store has not got
        long absent = countAbsent(store, copied.lastUpdate());
        if (now.hasWritesAfter(copied.lastUpdate())) {
            return Optional.of(writtenSince(store, copied, counts, absent));
        }
        if (absent > 0) {
            return Optional.of(new Disagreement("the table pasarela_documents is not what was copied into the"
                    + " embedded store" + when(copied) + counts + ", and nothing in it was written after the copy's"
                    + " latest write." + absentSaid(absent) + NOT_SEEN,
                    ABSENT_COPIED + "; none of the store's is replaced",
                    () -> copyOnPurpose(store, into -> table.readAll(absentFrom(store, into)), "those the store had not got")));
        }
        return Optional.of(new Disagreement("the table pasarela_documents is not the one copied into the embedded store"
                + when(copied) + counts + ", and has nothing written since: db/ was restored apart from store/, or a"
                + " version from before the RocksDB store deleted from it since (a rollback)." + NOT_SEEN,
                KEPT, () -> mark(store)));
    }

    /** The first RocksDB version's mark, a count, does not say when it copied: only the whole table can be taken. */
    private Disagreement firstVersionsCopyChanged(RocksDocumentStore store, String counts) {
        return new Disagreement("the table pasarela_documents is not what the embedded store's first version copied"
                + counts + ": an older version (a rollback) or this version with PASARELA_STORE_TYPE=jdbc wrote it"
                + " since, or db/ was restored apart. That version's mark does not say when it copied.",
                "the whole table is copied into the store, over the store's version of every document it has",
                () -> copyOnPurpose(store, table::readAll, "all of them, under the first version's mark"));
    }

    /** Written after the copy's latest write, by the count comparison: that, and what the store has not got. */
    private Disagreement writtenSince(RocksDocumentStore store, ImportMark copied, String counts, long absent) {
        Instant latest = copied.lastUpdate();
        return new Disagreement("the table pasarela_documents was written after its documents were copied into the"
                + " embedded store" + when(copied) + counts + SINCE_THEN + " wrote there what the store has not got."
                + absentSaid(absent) + NOT_SEEN,
                "the documents written to the table since the copy are copied into the store, over the store's"
                        + " version where both changed one" + (absent == 0 ? "" : "; " + ABSENT_COPIED) + DELETED_STAY,
                () -> copyOnPurpose(store, into -> {
                    table.readWrittenAfter(latest, into);
                    table.readNotWrittenAfter(latest, absentFrom(store, into));
                }, (latest == null ? "all of them (the copied table was empty)" : "written since " + latest)
                        + (absent == 0 ? "" : ", and those the store had not got")));
    }

    private static String absentSaid(long absent) {
        return absent == 0 ? "" : " " + documents(absent) + " not written after the copy's latest write "
                + (absent == 1 ? "is" : "are") + " in the table and not in the store: an older version whose clock was"
                + " behind the copy's added " + (absent == 1 ? "it" : "them") + ", or the store deleted "
                + (absent == 1 ? "it" : "them") + " since.";
    }

    /** Passes on to {@code into} the documents whose path the store has not got. */
    private static BiConsumer<String, String> absentFrom(RocksDocumentStore store, BiConsumer<String, String> into) {
        return (path, data) -> {
            if (!store.contains(path)) {
                into.accept(path, data);
            }
        };
    }

    /** Paths only, and the store's keys without their data: a large table is counted in one pass. */
    private long countAbsent(RocksDocumentStore store, Instant latest) {
        long[] absent = {0};
        table.readPathsNotWrittenAfter(latest, path -> {
            if (!store.contains(path)) {
                absent[0]++;
            }
        });
        return absent[0];
    }

    private static String documents(long count) {
        return count == 1 ? "1 document" : count + " documents";
    }

    /** The copy on this data directory's first start with the RocksDB store. */
    private void firstCopy(RocksDocumentStore store) {
        long copied = copyAndMark(store, table::readAll);
        if (copied > 0) {
            log.info("Business data store: copied {} from the table pasarela_documents", documents(copied));
        }
    }

    /** A copy {@code again} asked for: {@code which} documents, said in the log. */
    private void copyOnPurpose(RocksDocumentStore store, Consumer<BiConsumer<String, String>> rows, String which) {
        long copied = copyAndMark(store, rows);
        log.warn("Business data store: copied {} from the table pasarela_documents: {}", documents(copied), which);
    }

    /**
     * Copies what {@code rows} reads (before the marks are made again: it may compare with them) and
     * marks the copy: the store's mark with its last batch, then the database's.
     */
    private long copyAndMark(RocksDocumentStore store, Consumer<BiConsumer<String, String>> rows) {
        ImportMark mark = markOfTheTable();
        long copied = store.importDocuments(rows, mark.text());
        table.record(mark);
        return copied;
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
