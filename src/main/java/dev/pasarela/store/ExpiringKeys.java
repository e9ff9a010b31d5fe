package dev.pasarela.store;

import java.time.Instant;
import java.util.List;

/**
 * A set of keys, each kept with the instant it was added until it is forgotten as older than a
 * cutoff: a webhook's event ids, for example. Failures of the backing service surface as
 * {@link StoreUnavailableException}.
 */
public interface ExpiringKeys {

    boolean contains(String key);

    /**
     * Adds the keys in one write, all or none. Per key, in order: {@code true} when it was added,
     * {@code false} when it was already there. An implementation may throw instead of answering
     * {@code false} (a table's unique key refuses the whole batch); {@link #add} then tells which.
     */
    List<Boolean> addAll(List<String> keys, Instant addedAt);

    /** Adds one key: {@code true} when added, {@code false} when it was already there. */
    boolean add(String key, Instant addedAt);

    /** Forgets one key; {@code true} when it was there. */
    boolean remove(String key);

    /** Forgets the keys added before {@code cutoff}; how many. */
    long forgetAddedBefore(Instant cutoff);

    /** Whether any key is kept; a cheap check. */
    boolean isEmpty();
}
