package dev.pasarela.store.config;

import dev.pasarela.store.embedded.RocksDocumentStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Moves the documents the embedded store kept before (the embedded H2's table
 * {@code pasarela_documents}) into the RocksDB store, once, and refuses a start where the two no
 * longer belong together.
 *
 * <p>The copy leaves a mark on both sides: in the store, with its last documents, and in the table
 * {@code pasarela_store_import} of the same database. Each mark records what the table held when
 * it was copied (how many documents, the latest {@code update_time}). A start then tells apart:
 * <ul>
 *   <li>a store without its copy while the database records one: {@code store/} was lost or not
 *       restored with {@code db/};</li>
 *   <li>a table written after the copy: a version from before the RocksDB store ran on this data
 *       directory since (a rollback), and wrote to the table what the store has not got;</li>
 *   <li>a table that is not what was copied and has nothing newer: {@code db/} restored apart.</li>
 * </ul>
 * Each refuses to start unless {@code PASARELA_STORE_TABLE_IMPORT=again}: then a lost store gets
 * the whole table, a rolled-back one the documents written since the copy, and the marks are made
 * again.
 */
final class DocumentsTableImport {

    private static final Logger log = LoggerFactory.getLogger(DocumentsTableImport.class);
    /** Rows read from the database at a time: a large table is not held whole in memory. */
    private static final int FETCH_SIZE = 1_000;
    private static final String SELECT_DOCUMENTS = "SELECT path, data FROM pasarela_documents";
    private static final String DOCS = " (docs/operations.md, Data and restarts)";

    private final JdbcTemplate jdbc;
    private final Clock clock;

    DocumentsTableImport(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = new JdbcTemplate(Objects.requireNonNull(jdbc.getDataSource()));
        this.jdbc.setFetchSize(FETCH_SIZE);
        this.clock = clock;
    }

    /** What the table held: how many documents and the latest write (null when empty). */
    record TableState(long documents, Instant lastUpdate) {

        boolean hasWritesAfter(Instant instant) {
            return lastUpdate != null && (instant == null || lastUpdate.isAfter(instant));
        }
    }

    /**
     * A copy: when it was made and what the table held then. {@code copiedAt} is null for the mark
     * of the first RocksDB version, which recorded only the number of documents.
     */
    record Mark(Instant copiedAt, long documents, Instant lastUpdate) {

        boolean describes(TableState table) {
            return documents == table.documents()
                    && (copiedAt == null || Objects.equals(lastUpdate, table.lastUpdate()));
        }

        /** The store's mark: plain text, so that no serializer setting of the application changes it. */
        String text() {
            return "v2 " + copiedAt + " " + documents + " " + (lastUpdate == null ? "-" : lastUpdate.toString());
        }

        static Mark parse(String text) {
            String[] parts = text.split(" ");
            if (parts.length == 1 && !text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
                return new Mark(null, Long.parseLong(text), null); // the first version's mark
            }
            if (parts.length != 4 || !parts[0].equals("v2")) {
                throw new IllegalStateException("the embedded store's mark of its copy of pasarela_documents is not"
                        + " one this version reads");
            }
            return new Mark(Instant.parse(parts[1]), Long.parseLong(parts[2]),
                    parts[3].equals("-") ? null : Instant.parse(parts[3]));
        }
    }

    /**
     * Copies the table into {@code store} when it has not got it yet; with {@code again}, what the
     * store is missing when the two disagree. Refuses (a {@link StoreRefusedToStartException} that
     * says what to do) when they disagree without {@code again}.
     */
    void run(RocksDocumentStore store, boolean again) {
        if (again) {
            log.warn("PASARELA_STORE_TABLE_IMPORT=again is set: a missing store/ or a table written since its copy"
                    + " is taken as it is instead of refused. Remove it once the start it was set for has run{}", DOCS);
        }
        // MAX(update_time) below and the copy of what was written since read this index, not the table
        jdbc.execute("CREATE INDEX IF NOT EXISTS pasarela_documents_update_time ON pasarela_documents (update_time)");
        TableState table = tableState();
        Optional<Mark> inStore = store.importMark().map(Mark::parse);
        Optional<Mark> inDatabase = databaseMark();
        if (inStore.isEmpty()) {
            if (inDatabase.isPresent() && !again) {
                throw storeMissing(inDatabase.get());
            }
            copy(store, table, null);
            return;
        }
        Mark copy = inStore.get();
        if (copy.describes(table)) {
            if (copy.copiedAt() == null) {
                mark(store, table); // the first version's mark: made again with what this version records
            } else if (!inDatabase.equals(inStore)) {
                record(copy); // the start that copied stopped before it marked the database
            }
            return;
        }
        boolean writtenSince = copy.copiedAt() == null || table.hasWritesAfter(copy.lastUpdate());
        if (!again) {
            throw writtenSince ? writtenSinceTheCopy(copy, table) : notTheTableCopied(copy, table);
        }
        if (writtenSince) {
            // only what the older version wrote: the rest of the table is as old as the copy, and the
            // store has written over it since (the first version's mark does not say when: all of it)
            copy(store, table, copy.copiedAt() == null ? null : copy.lastUpdate());
        } else {
            mark(store, table);
        }
    }

    private StoreRefusedToStartException storeMissing(Mark copy) {
        String lost = copy.documents() == 0
                ? "The table was empty then: what the store held since cannot be had from it."
                : "The table holds what was written before that copy, not since.";
        return new StoreRefusedToStartException("the database records that the table pasarela_documents ("
                + copy.documents() + " documents) was copied into the embedded store" + when(copy)
                + ", but the store has not got the copy: store/ is missing or was not restored with db/. " + lost,
                "Restore store/ and db/ from one backup. To start anyway, set PASARELA_STORE_TABLE_IMPORT=again"
                        + " for one start: the store gets the table's documents" + DOCS + ".");
    }

    private static StoreRefusedToStartException writtenSinceTheCopy(Mark copy, TableState table) {
        return new StoreRefusedToStartException("the table pasarela_documents was written after its documents were"
                + " copied into the embedded store" + when(copy) + ": a version from before the RocksDB store ran"
                + " on this data directory since (a rollback) and wrote there what the store has not got ("
                + copy.documents() + " documents then, " + table.documents() + " now).",
                "Restore store/ and db/ from one backup, or set PASARELA_STORE_TABLE_IMPORT=again for one start to"
                        + " copy the documents written since into the store (what the older version deleted stays in"
                        + " the store)" + DOCS + ".");
    }

    private static StoreRefusedToStartException notTheTableCopied(Mark copy, TableState table) {
        return new StoreRefusedToStartException("the table pasarela_documents is not the one copied into the"
                + " embedded store" + when(copy) + " (" + copy.documents() + " documents then, " + table.documents()
                + " now, none written since): db/ was restored apart from store/.",
                "Restore store/ and db/ from one backup, or set PASARELA_STORE_TABLE_IMPORT=again for one start to"
                        + " keep the store as it is" + DOCS + ".");
    }

    /** Copies the whole table, or its documents written after {@code after}, and marks the copy. */
    private void copy(RocksDocumentStore store, TableState table, Instant after) {
        Mark mark = markOf(table);
        long copied = store.importDocuments(document -> {
            if (after == null) {
                jdbc.query(SELECT_DOCUMENTS, (ResultSet rs) -> document.accept(rs.getString(1), rs.getString(2)));
            } else {
                jdbc.query(SELECT_DOCUMENTS + " WHERE update_time > ?",
                        (ResultSet rs) -> document.accept(rs.getString(1), rs.getString(2)), Timestamp.from(after));
            }
        }, mark.text());
        record(mark);
        if (after != null) {
            log.warn("Business data store: copied the {} documents written to the table pasarela_documents since {}",
                    copied, after);
        } else if (copied > 0) {
            log.info("Business data store: copied {} documents from the table pasarela_documents", copied);
        }
    }

    /** Marks the table as copied as it is, copying nothing. */
    private void mark(RocksDocumentStore store, TableState table) {
        Mark mark = markOf(table);
        store.importDocuments(document -> { }, mark.text());
        record(mark);
    }

    private Mark markOf(TableState table) {
        // to the database's precision, so the two marks read back equal
        return new Mark(clock.instant().truncatedTo(ChronoUnit.MILLIS), table.documents(), table.lastUpdate());
    }

    private TableState tableState() {
        return jdbc.queryForObject("SELECT COUNT(*), MAX(update_time) FROM pasarela_documents",
                (rs, n) -> new TableState(rs.getLong(1), instant(rs, 2)));
    }

    private Optional<Mark> databaseMark() {
        List<Mark> marks = jdbc.query("SELECT copied_at, documents, last_update FROM pasarela_store_import WHERE id = 1",
                (rs, n) -> new Mark(instant(rs, 1), rs.getLong(2), instant(rs, 3)));
        return marks.stream().findFirst();
    }

    private void record(Mark mark) {
        Timestamp last = mark.lastUpdate() == null ? null : Timestamp.from(mark.lastUpdate());
        if (jdbc.update("UPDATE pasarela_store_import SET copied_at = ?, documents = ?, last_update = ? WHERE id = 1",
                Timestamp.from(mark.copiedAt()), mark.documents(), last) == 0) {
            jdbc.update("INSERT INTO pasarela_store_import(id, copied_at, documents, last_update) VALUES (1, ?, ?, ?)",
                    Timestamp.from(mark.copiedAt()), mark.documents(), last);
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static String when(Mark mark) {
        return mark.copiedAt() == null ? "" : " on " + mark.copiedAt();
    }
}
