package dev.pasarela.store.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 *       restored with {@code db/}. Copying again would bring back the table, which holds what was
 *       written before the copy, not since;</li>
 *   <li>a table that changed after the copy: a version from before the RocksDB store ran on this
 *       data directory since (a rollback), and wrote to the table what the store does not have.</li>
 * </ul>
 * Both refuse to start unless {@code PASARELA_STORE_TABLE_IMPORT=again}, which copies the table's
 * documents over the store's (a document the store holds and the table does not is kept).
 */
final class DocumentsTableImport {

    private static final Logger log = LoggerFactory.getLogger(DocumentsTableImport.class);
    /** Rows read from the database at a time: a large table is not held whole in memory. */
    private static final int FETCH_SIZE = 1_000;

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final Clock clock;

    DocumentsTableImport(JdbcTemplate jdbc, ObjectMapper json, Clock clock) {
        this.jdbc = new JdbcTemplate(Objects.requireNonNull(jdbc.getDataSource()));
        this.jdbc.setFetchSize(FETCH_SIZE);
        this.json = json;
        this.clock = clock;
    }

    /** What the table held: how many documents and the latest write (null when empty). */
    record TableState(long documents, Instant lastUpdate) {
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
    }

    /**
     * Copies the table into {@code store} when it has not got it yet, or again when {@code again};
     * refuses (a {@link StoreRefusedToStartException} that says what to do) when the store or the table
     * is not what the copy left.
     */
    void run(RocksDocumentStore store, boolean again) {
        TableState table = tableState();
        Optional<Mark> inStore = store.importMark().map(this::parse);
        Optional<Mark> inDatabase = databaseMark();
        if (inStore.isPresent()) {
            Mark copy = inStore.get();
            if (copy.describes(table)) {
                if (copy.copiedAt() != null && !inDatabase.equals(inStore)) {
                    record(copy); // the start that copied stopped before it marked the database
                }
                return;
            }
            if (table.documents() > 0 && !again) {
                throw new StoreRefusedToStartException("the table pasarela_documents changed after its documents were"
                        + " copied into the embedded store" + when(copy) + " (" + copy.documents()
                        + " documents then, " + table.documents() + " now): a version from before the"
                        + " RocksDB store ran on this data directory since and wrote there what the store"
                        + " has not got.", "Set PASARELA_STORE_TABLE_IMPORT=again to copy the table's documents"
                        + " over the store's, or restore store/ and db/ from one backup (docs/operations.md,"
                        + " Data and restarts).");
            }
        } else if (inDatabase.isPresent() && inDatabase.get().documents() > 0 && !again) {
            throw new StoreRefusedToStartException("the database records that the " + inDatabase.get().documents()
                    + " documents of the table pasarela_documents were copied into the embedded store"
                    + when(inDatabase.get()) + ", but the store has not got them: store/ is missing or"
                    + " was not restored with db/.", "Restore store/ and db/ from one backup, or set"
                    + " PASARELA_STORE_TABLE_IMPORT=again to copy the table again (it holds what was"
                    + " written before that copy, not since; docs/operations.md, Data and restarts).");
        }
        copy(store, table);
    }

    private void copy(RocksDocumentStore store, TableState table) {
        // to the database's precision, so the two marks read back equal
        Mark mark = new Mark(clock.instant().truncatedTo(ChronoUnit.MILLIS), table.documents(), table.lastUpdate());
        long copied = store.importDocuments(document -> jdbc.query("SELECT path, data FROM pasarela_documents",
                (ResultSet rs) -> document.accept(rs.getString(1), rs.getString(2))), write(mark));
        record(mark);
        if (copied > 0) {
            log.info("Business data store: copied {} documents from the table pasarela_documents", copied);
        }
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

    private String write(Mark mark) {
        try {
            return json.writeValueAsString(mark);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Mark parse(String mark) {
        if (mark.chars().allMatch(Character::isDigit)) {
            return new Mark(null, Long.parseLong(mark), null); // the first version's mark
        }
        try {
            return json.readValue(mark, Mark.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the embedded store's import mark is not readable: " + e.getOriginalMessage(), e);
        }
    }
}
