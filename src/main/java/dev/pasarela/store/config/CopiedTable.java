package dev.pasarela.store.config;

import dev.pasarela.store.config.ImportMark.TableState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The table {@code pasarela_documents} and the database's record of its copy into the embedded
 * store: the mark ({@code pasarela_store_import}) and, taken with it, each document's path and
 * {@code update_time} ({@code pasarela_store_import_rows}).
 *
 * <p>The older versions that write the table set a document's {@code update_time} to their clock's
 * now, to the microsecond, at every write, and do not know the second table: a document added,
 * rewritten or deleted by one of them since the copy differs from what was taken, whatever its clock
 * said. (The data itself is not compared: reading all of it at every start would cost more than a
 * rewrite in the same microsecond as the copied one risks.)
 */
final class CopiedTable {

    /** Rows read at a time: a large table is not held whole in memory. */
    private static final int FETCH_SIZE = 1_000;
    private static final String SELECT_DOCUMENTS = "SELECT path, data FROM pasarela_documents d";
    private static final String NOT_AS_COPIED = " WHERE NOT EXISTS (SELECT 1 FROM pasarela_store_import_rows r"
            + " WHERE r.path = d.path AND r.update_time = d.update_time)";

    /** What the table has that differs from the copy's record of it. */
    record Differences(long addedOrRewritten, long deleted) {

        boolean none() {
            return addedOrRewritten == 0 && deleted == 0;
        }
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;

    CopiedTable(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(Objects.requireNonNull(dataSource));
        this.jdbc.setFetchSize(FETCH_SIZE);
        this.transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        // MAX(update_time) and the copy of what was written since a mark of a version without the
        // rows' record read this index, not the table
        jdbc.execute("CREATE INDEX IF NOT EXISTS pasarela_documents_update_time ON pasarela_documents (update_time)");
    }

    TableState state() {
        return jdbc.queryForObject("SELECT COUNT(*), MAX(update_time) FROM pasarela_documents",
                (rs, n) -> new TableState(rs.getLong(1), instant(rs, 2)));
    }

    Optional<ImportMark> mark() {
        List<ImportMark> marks = jdbc.query(
                "SELECT copied_at, documents, last_update FROM pasarela_store_import WHERE id = 1",
                (rs, n) -> new ImportMark(instant(rs, 1), rs.getLong(2), instant(rs, 3)));
        return marks.stream().findFirst();
    }

    /**
     * Whether the rows' record was taken with the store's mark {@code mark}: the database's mark is
     * the same and the rows are tied to it ({@code rows_copied_at}). Versions before the rows
     * (3522474..8e24a24) and ee4cbf6 rewrote the database's mark without the column, leaving it as it
     * was; an H2 that lost rows leaves fewer than the mark counts. ee4cbf6 recorded its rows with its
     * mark and left the column null: they are the mark's when they end at its latest write, which a
     * mark made again by an older version over them (after a rollback wrote the table) does not.
     */
    boolean rowsRecordedFor(ImportMark mark) {
        if (mark.copiedAt() == null || !mark().equals(Optional.of(mark)) || !rowsCounted(mark.documents())) {
            return false;
        }
        Optional<Instant> tied = rowsCopiedAt();
        return tied.isPresent() ? tied.get().equals(mark.copiedAt())
                : Objects.equals(mark.lastUpdate(), jdbc.queryForObject(
                        "SELECT MAX(update_time) FROM pasarela_store_import_rows", (rs, n) -> instant(rs, 1)));
    }

    /**
     * Whether the rows were recorded with the database's mark {@code mark} by this version (the store's
     * mark cannot be read, so nothing confirms rows a version without the column left).
     */
    boolean rowsThisVersionTiedTo(ImportMark mark) {
        return mark.copiedAt() != null && rowsCounted(mark.documents())
                && rowsCopiedAt().equals(Optional.of(mark.copiedAt()));
    }

    private Optional<Instant> rowsCopiedAt() {
        List<Optional<Instant>> tied = jdbc.query("SELECT rows_copied_at FROM pasarela_store_import WHERE id = 1",
                (rs, n) -> Optional.ofNullable(instant(rs, 1)));
        return tied.isEmpty() ? Optional.empty() : tied.get(0);
    }

    private boolean rowsCounted(long documents) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM pasarela_store_import_rows", Long.class) == documents;
    }

    /** Ties rows ee4cbf6 recorded with {@code mark} to it, as this version records them. */
    void tieRows(ImportMark mark) {
        jdbc.update("UPDATE pasarela_store_import SET rows_copied_at = ? WHERE id = 1 AND rows_copied_at IS NULL",
                utc(mark.copiedAt()));
    }

    Differences differences() {
        long changed = jdbc.queryForObject("SELECT COUNT(*) FROM pasarela_documents d" + NOT_AS_COPIED, Long.class);
        long deleted = jdbc.queryForObject("SELECT COUNT(*) FROM pasarela_store_import_rows r WHERE NOT EXISTS"
                + " (SELECT 1 FROM pasarela_documents d WHERE d.path = r.path)", Long.class);
        return new Differences(changed, deleted);
    }

    void readAll(BiConsumer<String, String> document) {
        read(SELECT_DOCUMENTS, document);
    }

    /** The documents added or rewritten since the rows were recorded. */
    void readNotAsCopied(BiConsumer<String, String> document) {
        read(SELECT_DOCUMENTS + NOT_AS_COPIED, document);
    }

    /** The documents written after {@code after}; all of them when it is null (a copy of an empty table). */
    void readWrittenAfter(Instant after, BiConsumer<String, String> document) {
        if (after == null) {
            readAll(document);
            return;
        }
        read(SELECT_DOCUMENTS + " WHERE update_time > ?", document, utc(after));
    }

    /** The paths of the documents not written after {@code latest}; none when it is null. */
    void readPathsNotWrittenAfter(Instant latest, Consumer<String> path) {
        if (latest != null) {
            jdbc.query("SELECT path FROM pasarela_documents WHERE update_time <= ?",
                    (ResultSet rs) -> path.accept(rs.getString(1)), utc(latest));
        }
    }

    /** The documents not written after {@code latest}; none when it is null (a copy of an empty table). */
    void readNotWrittenAfter(Instant latest, BiConsumer<String, String> document) {
        if (latest != null) {
            read(SELECT_DOCUMENTS + " WHERE update_time <= ?", document, utc(latest));
        }
    }

    /** Hands each document {@code sql} selects (path, data) to {@code document}, a batch of rows at a time. */
    private void read(String sql, BiConsumer<String, String> document, Object... args) {
        jdbc.query(sql, (ResultSet rs) -> document.accept(rs.getString(1), rs.getString(2)), args);
    }

    /** Records {@code mark} and the table's rows as they are now, together. */
    void record(ImportMark mark) {
        transaction.executeWithoutResult(status -> {
            jdbc.update("DELETE FROM pasarela_store_import_rows");
            jdbc.update("INSERT INTO pasarela_store_import_rows(path, update_time)"
                    + " SELECT path, update_time FROM pasarela_documents");
            OffsetDateTime copiedAt = utc(mark.copiedAt());
            if (jdbc.update("UPDATE pasarela_store_import SET copied_at = ?, documents = ?, last_update = ?,"
                    + " rows_copied_at = ? WHERE id = 1", copiedAt, mark.documents(), utc(mark.lastUpdate()), copiedAt) == 0) {
                jdbc.update("INSERT INTO pasarela_store_import(id, copied_at, documents, last_update, rows_copied_at)"
                        + " VALUES (1, ?, ?, ?, ?)", copiedAt, mark.documents(), utc(mark.lastUpdate()), copiedAt);
            }
        });
    }

    /** An instant as the database's TIMESTAMP WITH TIME ZONE, not through the JVM's zone (its summer hour). */
    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
