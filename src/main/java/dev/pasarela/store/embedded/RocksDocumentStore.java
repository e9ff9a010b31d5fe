package dev.pasarela.store.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentJson;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.ExpiringKeys;
import dev.pasarela.store.Paths;
import dev.pasarela.store.Query;
import dev.pasarela.store.StoreTransaction;
import dev.pasarela.store.StoreUnavailableException;
import dev.pasarela.store.Values;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.rocksdb.AbstractNativeReference;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Status;
import org.rocksdb.Transaction;
import org.rocksdb.TransactionDB;
import org.rocksdb.TransactionDBOptions;
import org.rocksdb.TransactionOptions;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * The zero set-up store ({@code embedded}): documents as JSON in an embedded RocksDB under
 * {@code ${pasarela.data-dir}/store}.
 *
 * <p>Why RocksDB and not a table of the embedded H2: a commit here appends its writes to the
 * write-ahead log, a few hundred bytes in one {@code write}, where H2 serialises every 16 KB page the
 * commit changed, one commit at a time (bench/RESULTS.md, issue 14). What a {@code kill -9} leaves is
 * the same: the log is written, not synced, before a commit returns, as H2 writes its file at
 * {@code WRITE_DELAY=0}; both keep every commit that returned, neither a power cut's last ones.
 *
 * <p>A document's key is its collection's path, NUL, its id, so that a collection is one key range
 * and a sub-collection's documents are not in it. A transaction is one of RocksDB's pessimistic
 * ones: its reads lock their keys, present or absent, until it ends (as {@code SELECT … FOR UPDATE}
 * does for rows that exist); a lock wait that times out or a deadlock runs the transaction again.
 */
public final class RocksDocumentStore implements DocumentStore, AutoCloseable, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RocksDocumentStore.class);

    static {
        RocksDB.loadLibrary();
    }

    private static final int MAX_ATTEMPTS = 5;
    /** How long a transaction waits for another's lock, as the embedded H2's {@code LOCK_TIMEOUT}. */
    private static final long LOCK_TIMEOUT_MS = 10_000;
    private static final byte SEPARATOR = 0;
    /** Outside every document's key (a key starts with a collection's name): set once the import ran. */
    private static final byte[] IMPORTED = "\0imported".getBytes(StandardCharsets.UTF_8);

    private final Path directory;
    private final Options options;
    /** The tables' filter and block cache: closed after the options that use them, as RocksJava asks. */
    private final BloomFilter filter;
    private final LRUCache cache;
    private final TransactionDBOptions dbOptions;
    private final TransactionDB db;
    private final WriteOptions writeOptions = new WriteOptions(); // written to the log, not synced
    private final TransactionOptions txOptions = new TransactionOptions().setDeadlockDetect(true);
    private final ReadOptions readOptions = new ReadOptions();
    private final DocumentJson json;
    /** One per name: each adds its keys under its own lock (a key is read, then written). */
    private final Map<String, RocksExpiringKeys> keySets = new ConcurrentHashMap<>();
    /**
     * Every call holds it shared and {@link #close} exclusively: a call on a closed RocksDB would crash
     * the process instead of failing, and a bean may still be at work while the context closes.
     */
    private final ReentrantReadWriteLock open = new ReentrantReadWriteLock();
    private boolean closed;

    private RocksDocumentStore(Path directory, Options options, BloomFilter filter, LRUCache cache,
                               TransactionDBOptions dbOptions, TransactionDB db, ObjectMapper json) {
        this.directory = directory;
        this.options = options;
        this.filter = filter;
        this.cache = cache;
        this.dbOptions = dbOptions;
        this.db = db;
        this.json = new DocumentJson(json);
    }

    /** Opens the store in {@code directory}, making it when absent. */
    public static RocksDocumentStore open(Path directory, ObjectMapper json) {
        return open(directory, json, Duration.ofMillis(LOCK_TIMEOUT_MS));
    }

    /**
     * Opens the store with another wait for a lock than the embedded H2's 10 s: how long a transaction
     * (or the import's batch) waits for a key another transaction holds before it runs again.
     */
    public static RocksDocumentStore open(Path directory, ObjectMapper json, Duration lockTimeout) {
        BloomFilter filter = null;
        LRUCache cache = null;
        Options options = null;
        TransactionDBOptions dbOptions = null;
        TransactionDB db = null;
        boolean opened = false;
        try {
            filter = new BloomFilter(10);
            cache = new LRUCache(32L << 20);
            options = options(filter, cache);
            // the default lock timeout is a write outside a transaction's (RocksDB's own default is 1 s)
            dbOptions = new TransactionDBOptions()
                    .setTransactionLockTimeout(lockTimeout.toMillis()).setDefaultLockTimeout(lockTimeout.toMillis());
            Files.createDirectories(directory);
            db = TransactionDB.open(options, dbOptions, directory.toString());
            RocksDocumentStore store = new RocksDocumentStore(directory, options, filter, cache, dbOptions, db, json);
            opened = true;
            return store;
        } catch (RocksDBException | java.io.IOException e) {
            throw new IllegalStateException("the embedded store at " + directory + " cannot be opened: "
                    + e.getMessage(), e);
        } finally {
            if (!opened) {
                // whatever failed (a bug's unchecked exception too), the native handles made so far are
                // closed, the database first (its lock freed for the next open), the options before the
                // filter and cache they use
                closeAll(db, dbOptions, options, cache, filter);
            }
        }
    }

    /** Closes the handles that were made (null: not made yet), in the order given. */
    static void closeAll(AbstractNativeReference... handles) {
        for (AbstractNativeReference handle : handles) {
            if (handle != null) {
                handle.close();
            }
        }
    }

    /**
     * RocksDB's column-family defaults but two: a Bloom filter over the write buffers (below), and this.
     * {@code TransactionDB} keeps flushed write buffers in memory when
     * {@code max_write_buffer_size_to_maintain} is unset (up to two more of 64 MB), for
     * transactions that validate against a snapshot. Ours take no snapshot (a read locks its key until
     * the commit), so that history would only hold memory; a target of one byte keeps none. RocksJava
     * has no setter for it, hence the options' text form. A transaction given a snapshot would then
     * fail its conflict checks (TryAgain, run again as a conflict, then "kept conflicting"): give the
     * history back before taking snapshots.
     */
    static Options options(BloomFilter filter, LRUCache cache) {
        java.util.Properties noHistory = new java.util.Properties();
        noHistory.setProperty("max_write_buffer_size_to_maintain", "1");
        // the tables: a Bloom filter (every new webhook event's dedupe check asks for an id the store
        // does not hold; without a filter such a miss reads a block of each level's files:
        // bench/store-key-lookups.sh), and RocksDB's own 32 MB block cache, which RocksJava's table
        // settings would otherwise make 8 MB
        try (DBOptions db = new DBOptions().setCreateIfMissing(true).setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(2);
             ColumnFamilyOptions family = ColumnFamilyOptions.getColumnFamilyOptionsFromProps(noHistory)) {
            if (family == null) {
                throw new IllegalStateException("RocksDB did not take max_write_buffer_size_to_maintain");
            }
            // a Bloom filter over each write buffer's keys as well: a new webhook event's dedupe check asks
            // for an id no buffer holds, and without it searched each buffer's skip list to say so
            family.setMemtableWholeKeyFiltering(true).setMemtablePrefixBloomSizeRatio(0.02);
            return new Options(db, family).setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(filter)
                    .setBlockCache(cache));
        }
    }

    @Override
    public Optional<Document> get(String path) {
        byte[] key = key(path);
        return guarded(() -> Optional.ofNullable(db.get(readOptions, key)).map(v -> new Document(path, json.parse(v))));
    }

    /** A transaction of one delete, so a delete waits for a key's lock and runs again as every write does. */
    @Override
    public void delete(String path) {
        runTransaction(t -> {
            t.delete(path);
            return null;
        });
    }

    @Override
    public List<Document> query(String collectionPath, Query query) {
        Paths.collectionSegments(collectionPath);
        byte[] prefix = prefix(collectionPath);
        List<Document> all = guarded(() -> {
            List<Document> found = new ArrayList<>();
            // an iterator reads one snapshot of the store
            try (RocksIterator it = db.newIterator(readOptions)) {
                for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
                    byte[] key = it.key();
                    String id = new String(key, prefix.length, key.length - prefix.length, StandardCharsets.UTF_8);
                    found.add(new Document(collectionPath + "/" + id, json.parse(it.value())));
                }
                it.status(); // an iterator ends on an I/O error as at the range's end: not a shorter list
            }
            return found;
        });
        return query.select(all);
    }

    @Override
    public <T> T runTransaction(Function<StoreTransaction, T> work) {
        RocksDBException last = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            open.readLock().lock();
            try {
                requireOpen();
                try (Transaction t = db.beginTransaction(writeOptions, txOptions)) {
                    Tx tx = new Tx(t);
                    try {
                        T result = work.apply(tx);
                        t.commit();
                        return result;
                    } catch (Conflict conflict) {
                        last = conflict.cause;
                        t.rollback(); // another transaction held a key too long, or both waited on each other
                    } catch (RuntimeException | Error e) {
                        rollBack(t, e);
                        throw e;
                    } finally {
                        tx.ended = true; // a Tx kept past its work would reach a freed native transaction
                    }
                }
            } catch (RocksDBException e) {
                throw unavailable(e);
            } finally {
                open.readLock().unlock();
            }
            // before running again, a pause for the transaction it conflicted with: run again at once, it
            // would take back the lock it just gave up before the other, waiting for it, wakes up
            if (attempt < MAX_ATTEMPTS) {
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(100_000, 1_000_000L * attempt));
            }
        }
        throw new StoreUnavailableException("embedded store transaction kept conflicting", last);
    }

    /** Rolls back after {@code failure}; a rollback that fails too is added to it, not thrown instead. */
    private static void rollBack(Transaction t, Throwable failure) {
        try {
            t.rollback();
        } catch (RocksDBException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public String kind() {
        return "embedded";
    }

    @Override
    public void ping() {
        guarded(() -> db.get(readOptions, IMPORTED));
    }

    /**
     * The store's memory outside the Java heap, in bytes, as RocksDB estimates it: its write buffers
     * (the memtables: the active one, those not yet flushed, and flushed ones still kept or pinned), its
     * block cache, and the index and filter blocks of its open tables (held apart from the cache).
     */
    public record Memory(long memtables, long blockCache, long tableReaders) {}

    public Memory memory() {
        return guarded(() -> new Memory(db.getLongProperty("rocksdb.size-all-mem-tables"),
                db.getLongProperty("rocksdb.block-cache-usage"), db.getLongProperty("rocksdb.estimate-table-readers-mem")));
    }

    /**
     * Kept in the store's log and files beside the documents, under keys no document has (they start
     * with NUL), so that they are compacted as the documents are; one set per name.
     */
    @Override
    public Optional<ExpiringKeys> expiringKeys(String name) {
        return Optional.of(keySets.computeIfAbsent(name, n -> new RocksExpiringKeys(this, n)));
    }

    TransactionDB db() {
        return db;
    }

    ReadOptions readOptions() {
        return readOptions;
    }

    WriteOptions writeOptions() {
        return writeOptions;
    }

    /** Whether a document is at {@code path}, without reading its data as a document. */
    public boolean contains(String path) {
        byte[] key = key(path);
        return guarded(() -> db.get(readOptions, key) != null);
    }

    /**
     * The mark {@link #importDocuments} left with the last documents it copied; empty while no copy
     * has ended in this store (a new store, or one whose copy stopped part-way).
     */
    public Optional<String> importMark() {
        return guarded(() -> Optional.ofNullable(db.get(readOptions, IMPORTED))
                .map(v -> new String(v, StandardCharsets.UTF_8)));
    }

    /**
     * Copies documents into the store, over those of the same path, in batches of a thousand.
     * {@code rows} hands each document's path and JSON to the consumer it is given, in any order;
     * {@code mark} is written with the last batch, and the log synced, so a copy that stops part-way
     * leaves no mark and is made again whole.
     *
     * @return how many documents were copied
     */
    public long importDocuments(Consumer<BiConsumer<String, String>> rows, String mark) {
        return guarded(() -> {
            long[] copied = {0};
            WriteBatch[] batch = {new WriteBatch()};
            try {
                rows.accept((path, data) -> {
                    try {
                        batch[0].put(key(path), data.getBytes(StandardCharsets.UTF_8));
                        if (++copied[0] % 1_000 == 0) {
                            db.write(writeOptions, batch[0]);
                            batch[0].close();
                            batch[0] = new WriteBatch();
                        }
                    } catch (RocksDBException e) {
                        throw unavailable(e);
                    }
                });
                batch[0].put(IMPORTED, mark.getBytes(StandardCharsets.UTF_8));
                db.write(writeOptions, batch[0]);
                // synced before the caller marks the copy elsewhere: a power cut must not leave that
                // mark without this one (once per copy, so the sync's cost does not matter)
                db.syncWal();
            } finally {
                batch[0].close();
            }
            return copied[0];
        });
    }

    /** Closes the store once the calls under way have ended; later calls fail as the store unavailable. */
    @Override
    public void close() {
        try {
            if (!open.writeLock().tryLock(LOCK_TIMEOUT_MS * 2, TimeUnit.MILLISECONDS)) {
                log.warn("The embedded store at {} is left open: a call did not end in time", directory);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                db.syncWal(); // what the OS has not written yet, on a clean stop
            } catch (RocksDBException e) {
                log.warn("The embedded store's log could not be synced at close: {}", e.getMessage());
            }
            closeAll(db, txOptions, writeOptions, readOptions, dbOptions, options, cache, filter);
        } finally {
            open.writeLock().unlock();
        }
    }

    /** Spring closes it after every bean that uses it (the store's bean has no inferred destroy method). */
    @Override
    public void destroy() {
        close();
    }

    private void requireOpen() {
        if (closed) {
            throw new StoreUnavailableException("the embedded store is closed", null);
        }
    }

    interface StoreCall<T> {
        T call() throws RocksDBException;
    }

    <T> T guarded(StoreCall<T> call) {
        open.readLock().lock();
        try {
            requireOpen();
            return call.call();
        } catch (RocksDBException e) {
            throw unavailable(e);
        } finally {
            open.readLock().unlock();
        }
    }

    private static StoreUnavailableException unavailable(RocksDBException e) {
        return new StoreUnavailableException("embedded store failed: " + e.getMessage(), e);
    }

    /** A document's key: its collection's path, NUL, its id. */
    private static byte[] key(String path) {
        Paths.documentSegments(path);
        Paths.requireStorable(path);
        requireNoNul(path);
        byte[] key = path.getBytes(StandardCharsets.UTF_8);
        // '/' is one byte in UTF-8, and no other character's bytes hold it
        for (int i = key.length - 1; ; i--) {
            if (key[i] == '/') {
                key[i] = SEPARATOR;
                return key;
            }
        }
    }

    private static void requireNoNul(String path) {
        if (path.indexOf(SEPARATOR) >= 0) {
            throw new IllegalArgumentException("invalid store path: it holds a NUL character");
        }
    }

    private static byte[] prefix(String collectionPath) {
        requireNoNul(collectionPath);
        byte[] path = collectionPath.getBytes(StandardCharsets.UTF_8);
        byte[] prefix = Arrays.copyOf(path, path.length + 1);
        prefix[path.length] = SEPARATOR;
        return prefix;
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** A lock RocksDB could not give in time, or a deadlock: the transaction runs again. */
    private static final class Conflict extends RuntimeException {
        final RocksDBException cause;

        Conflict(RocksDBException cause) {
            super(null, cause, false, false);
            this.cause = cause;
        }
    }

    private static boolean isConflict(RocksDBException e) {
        Status s = e.getStatus();
        return s != null && (s.getCode() == Status.Code.TimedOut || s.getCode() == Status.Code.Busy
                || s.getCode() == Status.Code.TryAgain);
    }

    private final class Tx implements StoreTransaction {
        private final Transaction t;
        private boolean wrote;
        /** Set when its transaction has committed or rolled back. */
        private volatile boolean ended;

        Tx(Transaction t) {
            this.t = t;
        }

        private void requireRunning() {
            if (ended) {
                throw new IllegalStateException("a store transaction is used after its work returned");
            }
        }

        @Override
        public Optional<Document> get(String path) {
            byte[] key = key(path);
            requireRunning();
            if (wrote) {
                throw new IllegalStateException("transactions must do all their reads before their writes");
            }
            return Optional.ofNullable(locked(key)).map(v -> new Document(path, json.parse(v)));
        }

        @Override
        public void set(String path, Map<String, Object> data) {
            byte[] key = key(path);
            requireRunning();
            byte[] value = json.bytes(data);
            wrote = true;
            put(key, value);
        }

        @Override
        public void merge(String path, Map<String, Object> data) {
            byte[] key = key(path);
            requireRunning();
            // the document as this transaction sees it: its own writes since, nothing after its delete
            byte[] current = locked(key);
            Map<String, Object> base = current == null ? Map.of() : json.parse(current);
            byte[] value = json.bytes(Values.deepMerge(base, data));
            wrote = true;
            put(key, value);
        }

        @Override
        public void delete(String path) {
            byte[] key = key(path);
            requireRunning();
            wrote = true;
            try {
                t.delete(key);
            } catch (RocksDBException e) {
                throw conflictOrUnavailable(e);
            }
        }

        private byte[] locked(byte[] key) {
            try {
                return t.getForUpdate(readOptions, key, true);
            } catch (RocksDBException e) {
                throw conflictOrUnavailable(e);
            }
        }

        private void put(byte[] key, byte[] value) {
            try {
                t.put(key, value);
            } catch (RocksDBException e) {
                throw conflictOrUnavailable(e);
            }
        }

        private RuntimeException conflictOrUnavailable(RocksDBException e) {
            return isConflict(e) ? new Conflict(e) : unavailable(e);
        }
    }
}
