package dev.pasarela.store.jdbc;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentJson;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.Paths;
import dev.pasarela.store.Query;
import dev.pasarela.store.StoreTransaction;
import dev.pasarela.store.StoreUnavailableException;
import dev.pasarela.store.Values;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@code jdbc} store: one table of JSON documents keyed by path ({@code pasarela_documents}), in
 * the configured datasource (PostgreSQL for replicas that share it; the embedded H2 file held the
 * {@code embedded} store's documents before it moved to {@code RocksDocumentStore}). Transactions
 * lock the rows they read ({@code FOR UPDATE}) and are retried on a write conflict, like Firestore's.
 */
public class JdbcDocumentStore implements DocumentStore {

    private static final int MAX_ATTEMPTS = 5;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final DocumentJson json;
    private final Clock clock;

    public JdbcDocumentStore(JdbcTemplate jdbc, PlatformTransactionManager txManager, ObjectMapper json,
                             Clock clock) {
        this.jdbc = jdbc;
        this.json = new DocumentJson(json);
        this.clock = clock;
        this.tx = new TransactionTemplate(txManager);
        this.tx.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
    }

    @Override
    public Optional<Document> get(String path) {
        Paths.documentSegments(path);
        return guarded(() -> read(path, false));
    }

    @Override
    public void delete(String path) {
        Paths.documentSegments(path);
        guarded(() -> jdbc.update("DELETE FROM pasarela_documents WHERE path = ?", path));
    }

    @Override
    public List<Document> query(String collectionPath, Query query) {
        Paths.collectionSegments(collectionPath);
        List<Document> all = guarded(() -> jdbc.query(
                "SELECT path, data FROM pasarela_documents WHERE collection_path = ? ORDER BY path",
                (rs, i) -> new Document(rs.getString(1), parse(rs.getString(2))), collectionPath));
        return query.select(all);
    }

    @Override
    public <T> T runTransaction(Function<StoreTransaction, T> work) {
        DataAccessException last = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try {
                return tx.execute(status -> work.apply(new Tx()));
            } catch (DataIntegrityViolationException | PessimisticLockingFailureException conflict) {
                last = conflict; // another writer created or locked the same document: run again
            } catch (DataAccessException e) {
                throw new StoreUnavailableException("jdbc store failed: " + failure(e), e);
            }
        }
        throw new StoreUnavailableException("jdbc store transaction kept conflicting", last);
    }

    @Override
    public String kind() {
        return "jdbc";
    }

    @Override
    public void ping() {
        guarded(() -> jdbc.queryForObject("SELECT COUNT(*) FROM pasarela_documents WHERE path = ''", Integer.class));
    }

    private Optional<Document> read(String path, boolean lock) {
        List<String> rows = jdbc.queryForList(
                "SELECT data FROM pasarela_documents WHERE path = ?" + (lock ? " FOR UPDATE" : ""), String.class, path);
        return rows.isEmpty() ? Optional.empty() : Optional.of(new Document(path, parse(rows.get(0))));
    }

    /**
     * {@code mustCreate}: the transaction saw the document absent. Then only an insert is right;
     * if another writer created it meanwhile, the duplicate key makes the transaction run again
     * instead of overwriting that writer's document.
     */
    private void write(String path, Map<String, Object> data, boolean mustCreate) {
        // the database's "value too long" is a DataIntegrityViolationException, which would be
        // taken for a write conflict and run again until "kept conflicting"
        Paths.requireStorable(path);
        String collection = Paths.parentCollection(path);
        String body = serialize(data);
        int updated = mustCreate ? 0 : jdbc.update("UPDATE pasarela_documents SET data = ?, update_time = ? WHERE path = ?",
                body, now(), path);
        if (updated == 0) {
            jdbc.update("INSERT INTO pasarela_documents(path, collection_path, data, update_time) VALUES (?, ?, ?, ?)",
                    path, collection, body, now());
        }
    }

    /**
     * The clock's now as a UTC {@code OffsetDateTime}: a {@code java.sql.Timestamp} is bound through
     * the JVM's zone, and in the hour the clocks go back its second pass was stored an hour early.
     */
    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private Map<String, Object> parse(String text) {
        return json.parse(text);
    }

    private String serialize(Map<String, Object> data) {
        return json.text(data);
    }

    /**
     * A failure by its kind only (SQLState and class): a database's message may quote a value, a
     * document's path among them, and a conversation's path holds the contact's number. The cause is kept.
     */
    static String failure(DataAccessException e) {
        Throwable cause = e.getMostSpecificCause();
        return cause instanceof java.sql.SQLException sql && sql.getSQLState() != null
                ? "SQLState " + sql.getSQLState() + " (" + cause.getClass().getSimpleName() + ")"
                : cause.getClass().getSimpleName();
    }

    private <T> T guarded(java.util.function.Supplier<T> op) {
        try {
            return op.get();
        } catch (DataAccessException e) {
            throw new StoreUnavailableException("jdbc store failed: " + failure(e), e);
        }
    }

    private final class Tx implements StoreTransaction {
        private final Map<String, Map<String, Object>> pending = new LinkedHashMap<>();
        private final java.util.Set<String> seenAbsent = new java.util.HashSet<>();
        private boolean wrote;

        @Override
        public Optional<Document> get(String path) {
            Paths.documentSegments(path);
            if (wrote) {
                throw new IllegalStateException("transactions must do all their reads before their writes");
            }
            Optional<Document> d = read(path, true);
            if (d.isEmpty()) {
                seenAbsent.add(path);
            }
            return d;
        }

        @Override
        public void set(String path, Map<String, Object> data) {
            Paths.documentSegments(path);
            wrote = true;
            write(path, data, seenAbsent.remove(path));
            pending.put(path, data);
        }

        @Override
        public void merge(String path, Map<String, Object> data) {
            Paths.documentSegments(path);
            boolean mustCreate = seenAbsent.remove(path);
            Map<String, Object> base = pending.containsKey(path) || mustCreate
                    ? pending.getOrDefault(path, Map.of())
                    : read(path, true).map(Document::data).orElse(Map.of());
            wrote = true;
            Map<String, Object> merged = Values.deepMerge(base, data);
            write(path, merged, mustCreate);
            pending.put(path, merged);
        }

        @Override
        public void delete(String path) {
            Paths.documentSegments(path);
            wrote = true;
            jdbc.update("DELETE FROM pasarela_documents WHERE path = ?", path);
            pending.remove(path);
            seenAbsent.remove(path);
        }
    }
}
