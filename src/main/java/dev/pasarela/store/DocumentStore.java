package dev.pasarela.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The business-data store, shaped like Firestore: documents at even-length paths
 * ({@code tenants/acme/credentials/stripe}), collections at odd-length ones, JSON-like field
 * values (String, Long, Double, Boolean, List, Map, null). Three adapters: {@code embedded}
 * (RocksDB files, zero set-up), {@code jdbc} (a table in the datasource) and {@code firestore}.
 * Failures of the backing service surface as
 * {@link StoreUnavailableException}, which the pipeline treats as transient.
 */
public interface DocumentStore {

    Optional<Document> get(String documentPath);

    /** Replaces the whole document (by default, a transaction of that one write). */
    default void set(String documentPath, Map<String, Object> data) {
        runTransaction(t -> {
            t.set(documentPath, data);
            return null;
        });
    }

    /**
     * Deep-merges the given fields into the document, creating it when absent (by default, a
     * transaction of that one write).
     */
    default void merge(String documentPath, Map<String, Object> data) {
        runTransaction(t -> {
            t.merge(documentPath, data);
            return null;
        });
    }

    void delete(String documentPath);

    List<Document> query(String collectionPath, Query query);

    <T> T runTransaction(Function<StoreTransaction, T> work);

    /** A short name for health and logs: {@code embedded}, {@code jdbc} or {@code firestore}. */
    String kind();

    /** A cheap round trip to the backing service, for health checks. */
    void ping();

    /**
     * The set of expiring keys named {@code name} this store keeps beside its documents, for a store
     * that keeps such sets (the embedded one); empty for the others.
     */
    default Optional<ExpiringKeys> expiringKeys(String name) {
        return Optional.empty();
    }
}
