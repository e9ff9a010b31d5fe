package dev.pasarela.store;

import java.util.Map;
import java.util.Optional;

/**
 * A read-then-write unit of work, as in Firestore: every read comes before the first write,
 * and the whole function may be run again when another writer got there first.
 */
public interface StoreTransaction {

    Optional<Document> get(String documentPath);

    void set(String documentPath, Map<String, Object> data);

    void merge(String documentPath, Map<String, Object> data);

    void delete(String documentPath);
}
