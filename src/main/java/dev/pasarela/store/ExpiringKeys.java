package dev.pasarela.store;

import java.time.Instant;
import java.util.List;

/**
 * A set of keys, each kept with the instant it was added until it is forgotten as older than a
 * cutoff: a webhook's event ids, for example. Failures of the backing service surface as
 * {@link StoreUnavailableException}.
 */
public interface ExpiringKeys {

    /** What {@link #addAll} did with one key: added, found already there, or refused alone. */
    record Outcome(boolean added, RuntimeException refused) {
        public static final Outcome ADDED = new Outcome(true, null);
        public static final Outcome PRESENT = new Outcome(false, null);

        public static Outcome refused(RuntimeException reason) {
            return new Outcome(false, reason);
        }
    }

    boolean contains(String key);

    /**
     * Adds the keys, in one write when none is refused. Per key, in order: {@link Outcome#ADDED},
     * {@link Outcome#PRESENT} when it was already there (or earlier in the list), or refused for a
     * reason of its own (a table's column too short for it), which does not stop the others.
     *
     * @throws StoreUnavailableException when nothing could be written (the store is unavailable)
     */
    List<Outcome> addAll(List<String> keys, Instant addedAt);

    /** Adds one key: {@code true} when added, {@code false} when it was already there; a refusal is thrown. */
    default boolean add(String key, Instant addedAt) {
        Outcome outcome = addAll(List.of(key), addedAt).get(0);
        if (outcome.refused() != null) {
            throw outcome.refused();
        }
        return outcome.added();
    }

    /** Forgets one key; {@code true} when it was there. */
    boolean remove(String key);

    /** Forgets the keys added before {@code cutoff}; how many. */
    long forgetAddedBefore(Instant cutoff);

    /** Whether any key is kept; a cheap check. */
    boolean isEmpty();
}
