package dev.pasarela.pipeline.deliver;

import dev.pasarela.store.ExpiringKeys;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys kept in {@code current}, and those an earlier version kept in {@code earlier} (the embedded
 * database's table, before the embedded store kept them) until they expire there: they are looked
 * up, removed and purged, never added. Once a purge leaves {@code earlier} empty, it is no longer
 * read, so a new installation never reads it after its start.
 */
final class KeysMovedFromTable implements ExpiringKeys {

    private static final Logger log = LoggerFactory.getLogger(KeysMovedFromTable.class);

    private final ExpiringKeys current;
    private final ExpiringKeys earlier;
    private volatile boolean earlierMayHold;

    KeysMovedFromTable(ExpiringKeys current, ExpiringKeys earlier) {
        this.current = current;
        this.earlier = earlier;
        this.earlierMayHold = !earlier.isEmpty();
    }

    /** Whether the earlier table is still read, that is, held keys at the start or the last purge. */
    boolean readsEarlier() {
        return earlierMayHold;
    }

    @Override
    public boolean contains(String key) {
        return current.contains(key) || earlierMayHold && earlier.contains(key);
    }

    @Override
    public List<Outcome> addAll(List<String> keys, Instant addedAt) {
        return current.addAll(keys, addedAt);
    }

    @Override
    public boolean remove(String key) {
        boolean removed = current.remove(key);
        return earlierMayHold && earlier.remove(key) || removed;
    }

    @Override
    public long forgetAddedBefore(Instant cutoff) {
        long forgotten = current.forgetAddedBefore(cutoff);
        if (earlierMayHold) {
            forgotten += earlier.forgetAddedBefore(cutoff);
            earlierMayHold = !earlier.isEmpty();
            if (!earlierMayHold) {
                log.info("Webhook event ids: the database's table of an earlier version's ids is empty, and no longer read");
            }
        }
        return forgotten;
    }

    @Override
    public boolean isEmpty() {
        return current.isEmpty() && (!earlierMayHold || earlier.isEmpty());
    }
}
