package dev.pasarela.store.embedded;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.Paths;
import dev.pasarela.store.Query;
import dev.pasarela.store.StoreTransaction;
import dev.pasarela.store.StoreUnavailableException;
import dev.pasarela.store.Values;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
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
 * The zero set-up store: one table of JSON documents keyed by path, in the embedded database
 * (H2 in file mode by default). Transactions lock the rows they read ({@code FOR UPDATE}) and
 * are retried on a write conflict, like Firestore's.
 */
public class EmbeddedDocumentStore implements DocumentStore {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
    private static final int MAX_ATTEMPTS = 5;
    /** The {@code path} column of {@code pasarela_documents} (schema.sql). */
    public static final int MAX_PATH = 1500;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final ObjectMapper json;
    private final Clock clock;

    public EmbeddedDocumentStore(JdbcTemplate jdbc, PlatformTransactionManager txManager, ObjectMapper json,
                                 Clock clock) {
        this.jdbc = jdbc;
        // a copy: whole numbers must read back as Long whatever their size, as Firestore returns them
        this.json = json.copy().enable(DeserializationFeature.USE_LONG_FOR_INTS);
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
    public void set(String path, Map<String, Object> data) {
        runTransaction(t -> {
            t.set(path, data);
            return null;
        });
    }

    @Override
    public void merge(String path, Map<String, Object> data) {
        runTransaction(t -> {
            t.merge(path, data);
            return null;
        });
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
        List<Document> out = new ArrayList<>();
        for (Document d : all) {
            if (query.filters().stream().allMatch(f -> Values.equal(d.field(f.field()), f.value()))) {
                out.add(d);
            }
        }
        if (query.orderBy() != null) {
            // Firestore leaves out documents that lack the order-by field
            out.removeIf(d -> d.field(query.orderBy()) == null);
            // ties break on the document path in the same direction, as Firestore's implicit __name__ order
            Comparator<Document> c = Comparator.<Document, Object>comparing(d -> d.field(query.orderBy()), Values::compare)
                    .thenComparing(Document::path);
            out.sort(query.descending() ? c.reversed() : c);
        }
        return query.limit() > 0 && out.size() > query.limit() ? out.subList(0, query.limit()) : out;
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
                throw new StoreUnavailableException("embedded store failed: " + e.getMostSpecificCause().getMessage(), e);
            }
        }
        throw new StoreUnavailableException("embedded store transaction kept conflicting", last);
    }

    @Override
    public String kind() {
        return "embedded";
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
        if (path.length() > MAX_PATH) {
            // the database's "value too long" is a DataIntegrityViolationException, which would be
            // taken for a write conflict and run again until "kept conflicting"; the path is not quoted
            throw new IllegalArgumentException("document path of " + path.length()
                    + " characters is longer than the embedded store's " + MAX_PATH);
        }
        String collection = Paths.parentCollection(path);
        String body = serialize(data);
        int updated = mustCreate ? 0 : jdbc.update("UPDATE pasarela_documents SET data = ?, update_time = ? WHERE path = ?",
                body, Timestamp.from(clock.instant()), path);
        if (updated == 0) {
            jdbc.update("INSERT INTO pasarela_documents(path, collection_path, data, update_time) VALUES (?, ?, ?, ?)",
                    path, collection, body, Timestamp.from(clock.instant()));
        }
    }

    private Map<String, Object> parse(String text) {
        try {
            return json.readValue(text, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt document in embedded store", e);
        }
    }

    private String serialize(Map<String, Object> data) {
        try {
            return json.writeValueAsString(Values.normalizeMap(data));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("document is not JSON-serialisable: " + e.getOriginalMessage(), e);
        }
    }

    private <T> T guarded(java.util.function.Supplier<T> op) {
        try {
            return op.get();
        } catch (DataAccessException e) {
            throw new StoreUnavailableException("embedded store failed: " + e.getMostSpecificCause().getMessage(), e);
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
