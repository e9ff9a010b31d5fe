package dev.pasarela.store.firestore;

import com.google.api.core.ApiFuture;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.SetOptions;
import com.google.cloud.firestore.Transaction;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.Paths;
import dev.pasarela.store.Query;
import dev.pasarela.store.StoreTransaction;
import dev.pasarela.store.StoreUnavailableException;
import dev.pasarela.store.Values;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/** The production store: google-cloud-firestore, or the Firestore emulator in tests. */
public class FirestoreDocumentStore implements DocumentStore, AutoCloseable {

    private final Firestore db;
    private final long timeoutMillis;

    public FirestoreDocumentStore(Firestore db, long timeoutMillis) {
        this.db = db;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public Optional<Document> get(String path) {
        return toDocument(await(doc(path).get()));
    }

    @Override
    public void set(String path, Map<String, Object> data) {
        await(doc(path).set(Values.normalizeMap(data)));
    }

    @Override
    public void merge(String path, Map<String, Object> data) {
        await(doc(path).set(Values.normalizeMap(data), SetOptions.merge()));
    }

    @Override
    public void delete(String path) {
        await(doc(path).delete());
    }

    @Override
    public List<Document> query(String collectionPath, Query query) {
        Paths.collectionSegments(collectionPath);
        com.google.cloud.firestore.Query q = db.collection(collectionPath);
        for (Query.Filter f : query.filters()) {
            q = q.whereEqualTo(f.field(), f.value());
        }
        if (query.orderBy() != null) {
            q = q.orderBy(query.orderBy(), query.descending()
                    ? com.google.cloud.firestore.Query.Direction.DESCENDING
                    : com.google.cloud.firestore.Query.Direction.ASCENDING);
        }
        if (query.limit() > 0) {
            q = q.limit(query.limit());
        }
        List<Document> out = new ArrayList<>();
        for (DocumentSnapshot s : await(q.get()).getDocuments()) {
            toDocument(s).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public <T> T runTransaction(Function<StoreTransaction, T> work) {
        // more attempts than the client's default 5: deliveries for one tenant contend on its document
        return await(db.runTransaction(t -> work.apply(new Tx(t)),
                com.google.cloud.firestore.TransactionOptions.createReadWriteOptionsBuilder().setNumberOfAttempts(10).build()));
    }

    @Override
    public String kind() {
        return "firestore";
    }

    @Override
    public void ping() {
        await(db.document("__pasarela/health").get());
    }

    @Override
    public void close() throws Exception {
        db.close();
    }

    private DocumentReference doc(String path) {
        Paths.documentSegments(path);
        return db.document(path);
    }

    private <T> T await(ApiFuture<T> future) {
        try {
            return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted waiting for Firestore", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r && !(cause instanceof com.google.cloud.firestore.FirestoreException)
                    && !(cause instanceof com.google.api.gax.rpc.ApiException)) {
                throw r; // raised by our own transaction function: not a store fault
            }
            throw new StoreUnavailableException("Firestore failed: " + failure(cause), cause);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new StoreUnavailableException("Firestore did not answer within " + timeoutMillis + " ms", e);
        }
    }

    /**
     * A failure by its kind only (its status code and class): Firestore's messages may name a
     * document's path, and a conversation's path holds the contact's number. The cause is kept.
     */
    static String failure(Throwable cause) {
        String code = cause instanceof com.google.api.gax.rpc.ApiException api ? api.getStatusCode().getCode().name()
                : cause instanceof com.google.cloud.firestore.FirestoreException f && f.getStatus() != null
                        ? f.getStatus().getCode().name() : null;
        return code == null ? cause.getClass().getSimpleName() : code + " (" + cause.getClass().getSimpleName() + ")";
    }

    private static Optional<Document> toDocument(DocumentSnapshot s) {
        if (!s.exists() || s.getData() == null) {
            return Optional.empty();
        }
        return Optional.of(new Document(s.getReference().getPath(), plain(s.getData())));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> plain(Map<String, Object> data) {
        Map<String, Object> out = new LinkedHashMap<>();
        data.forEach((k, v) -> out.put(k, plainValue(v)));
        return out;
    }

    private static Object plainValue(Object v) {
        if (v instanceof Timestamp t) {
            return t.toDate().toInstant().toString();
        }
        if (v instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked") Map<String, Object> mm = (Map<String, Object>) m;
            return plain(mm);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(plainValue(x)));
            return out;
        }
        return v;
    }

    private final class Tx implements StoreTransaction {
        private final Transaction t;

        Tx(Transaction t) {
            this.t = t;
        }

        @Override
        public Optional<Document> get(String path) {
            return toDocument(await(t.get(doc(path))));
        }

        @Override
        public void set(String path, Map<String, Object> data) {
            t.set(doc(path), Values.normalizeMap(data));
        }

        @Override
        public void merge(String path, Map<String, Object> data) {
            t.set(doc(path), Values.normalizeMap(data), SetOptions.merge());
        }

        @Override
        public void delete(String path) {
            t.delete(doc(path));
        }
    }
}
