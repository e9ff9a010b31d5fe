package dev.pasarela.messaging;

import dev.pasarela.store.StoreTransaction;
import java.util.Set;

/**
 * A step's store transaction in two phases, its reads and then its writes (Firestore's order), run
 * by {@link #alone}. The phases were split to let concurrent callers share one transaction (a group
 * commit, measured in issue 14); that was left out: one shared transaction made one tenant's
 * locked document every tenant's wait, and its gain on delivery was within the noise.
 */
interface StoreWork<T> {

    /** Reads only. {@code claimed}: the documents written so far in this transaction; add this step's. */
    boolean read(StoreTransaction tx, Set<String> claimed);

    /** Writes only, after {@link #read}; the caller's result. */
    T write(StoreTransaction tx);

    /** Reads and writes in a transaction of their own. */
    T alone();
}
