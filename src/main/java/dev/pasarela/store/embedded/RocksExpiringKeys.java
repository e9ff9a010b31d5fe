package dev.pasarela.store.embedded;

import dev.pasarela.store.ExpiringKeys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * A set of expiring keys in the embedded store's RocksDB, beside its documents. Why not a table of
 * the embedded H2, as before: H2 at {@code WRITE_DELAY=0} writes a chunk per commit and never
 * compacts its file without its background writer, so a key table with a commit every 50 ms made the
 * file grow by ~12 MB a minute at 100 events/s (bench/h2-file-growth.sh); RocksDB appends the keys to
 * its log and compacts its files on its own.
 *
 * <p>Two entries per key, under prefixes no document key has (a document's starts with a collection's
 * name): {@code NUL "key" NUL name NUL key} holds the instant it was added, and {@code NUL "key-at"
 * NUL name NUL instant key} (the instant in 8 bytes that sort as it does) is empty, so that the keys
 * older than a cutoff are one key range. Written as the documents are: to the log, not synced.
 */
final class RocksExpiringKeys implements ExpiringKeys {

    private static final int PURGE_BATCH = 1_000;
    private static final byte[] NOTHING = new byte[0];

    private final RocksDocumentStore store;
    private final byte[] keyPrefix;
    private final byte[] timePrefix;

    RocksExpiringKeys(RocksDocumentStore store, String name) {
        requireNoNul(name);
        this.store = store;
        this.keyPrefix = bytes("\0key\0" + name + "\0");
        this.timePrefix = bytes("\0key-at\0" + name + "\0");
    }

    @Override
    public boolean contains(String key) {
        byte[] entry = keyEntry(key);
        return store.guarded(() -> store.db().get(store.readOptions(), entry) != null);
    }

    /**
     * Each key is read, then written, under this set's lock: two callers adding one key could
     * otherwise both be told it was new. The batch is one write of the log.
     */
    @Override
    public synchronized List<Outcome> addAll(List<String> keys, Instant addedAt) {
        byte[] at = instant(addedAt);
        return store.guarded(() -> {
            List<Outcome> added = new ArrayList<>(keys.size());
            Set<String> inThisBatch = new HashSet<>();
            try (WriteBatch batch = new WriteBatch()) {
                for (String key : keys) {
                    byte[] entry;
                    try {
                        entry = keyEntry(key);
                    } catch (IllegalArgumentException refused) { // a NUL in it: this key alone
                        added.add(Outcome.refused(refused));
                        continue;
                    }
                    boolean isNew = inThisBatch.add(key) && store.db().get(store.readOptions(), entry) == null;
                    if (isNew) {
                        batch.put(entry, at);
                        batch.put(timeEntry(at, key), NOTHING);
                    }
                    added.add(isNew ? Outcome.ADDED : Outcome.PRESENT);
                }
                if (batch.count() > 0) {
                    store.db().write(store.writeOptions(), batch);
                }
            }
            return added;
        });
    }

    @Override
    public synchronized boolean remove(String key) {
        byte[] entry = keyEntry(key);
        return store.guarded(() -> {
            byte[] at = store.db().get(store.readOptions(), entry);
            if (at == null) {
                return false;
            }
            try (WriteBatch batch = new WriteBatch()) {
                batch.delete(entry);
                batch.delete(timeEntry(at, key));
                store.db().write(store.writeOptions(), batch);
            }
            return true;
        });
    }

    /**
     * In batches of a thousand, each under the lock for its own writes only, so that adding keys
     * does not wait for a whole purge. A key added again since its old entry was read keeps its
     * newer instant: only the old time entry goes. Each batch is read from where the last one ended,
     * not from the range's start, where the deleted entries of the batches before lie until RocksDB
     * compacts them: stepping over them again at every batch would make a purge's time grow with
     * the square of what it forgets.
     */
    @Override
    public long forgetAddedBefore(Instant cutoff) {
        long forgotten = 0;
        byte[] after = null;
        while (true) {
            List<byte[]> old = timeEntries(after, cutoff);
            if (old.isEmpty()) {
                return forgotten;
            }
            forgotten += forget(old);
            after = old.get(old.size() - 1);
        }
    }

    /**
     * The time entries older than {@code cutoff} and after {@code after} (from the first when null), a
     * batch at most, read without the lock.
     */
    List<byte[]> timeEntries(byte[] after, Instant cutoff) {
        byte[] end = concat(timePrefix, instant(cutoff));
        return store.guarded(() -> {
            List<byte[]> found = new ArrayList<>();
            try (RocksIterator it = store.db().newIterator(store.readOptions())) {
                it.seek(after == null ? timePrefix : after);
                if (after != null && it.isValid() && Arrays.equals(it.key(), after)) {
                    it.next();
                }
                for (; it.isValid() && found.size() < PURGE_BATCH && Arrays.compareUnsigned(it.key(), end) < 0;
                        it.next()) {
                    found.add(it.key());
                }
                it.status(); // an I/O error ends an iterator as the range's end does
            }
            return found;
        });
    }

    /** Deletes the time entries, and each one's key unless it was added again since (another instant). */
    synchronized long forget(List<byte[]> timeEntries) {
        return store.guarded(() -> {
            long forgotten = 0;
            try (WriteBatch batch = new WriteBatch()) {
                for (byte[] timeEntry : timeEntries) {
                    byte[] at = Arrays.copyOfRange(timeEntry, timePrefix.length, timePrefix.length + Long.BYTES);
                    byte[] entry = concat(keyPrefix,
                            Arrays.copyOfRange(timeEntry, timePrefix.length + Long.BYTES, timeEntry.length));
                    batch.delete(timeEntry);
                    if (Arrays.equals(store.db().get(store.readOptions(), entry), at)) {
                        batch.delete(entry);
                        forgotten++;
                    }
                }
                store.db().write(store.writeOptions(), batch);
            }
            return forgotten;
        });
    }

    @Override
    public boolean isEmpty() {
        return store.guarded(() -> {
            try (RocksIterator it = store.db().newIterator(store.readOptions())) {
                it.seek(keyPrefix);
                boolean empty = !it.isValid() || !startsWith(it.key(), keyPrefix);
                it.status();
                return empty;
            }
        });
    }

    private byte[] keyEntry(String key) {
        requireNoNul(key);
        return concat(keyPrefix, bytes(key));
    }

    private byte[] timeEntry(byte[] at, String key) {
        return concat(concat(timePrefix, at), bytes(key));
    }

    /** Milliseconds with the sign bit flipped: unsigned byte order is then time order, before 1970 too. */
    private static byte[] instant(Instant at) {
        return ByteBuffer.allocate(Long.BYTES).putLong(at.toEpochMilli() ^ Long.MIN_VALUE).array();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static void requireNoNul(String s) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a key or a key set's name cannot hold a NUL character");
        }
    }
}
