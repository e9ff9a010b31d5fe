package dev.pasarela.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pasarela.store.embedded.RocksDocumentStore;
import dev.pasarela.support.BootObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDocumentStoreTest extends DocumentStoreContract {

    @TempDir
    static Path dir;
    static RocksDocumentStore store;

    @BeforeAll
    static void open() {
        store = RocksDocumentStore.open(dir.resolve("store"), BootObjectMapper.create());
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Override
    protected DocumentStore store() {
        return store;
    }

    @Test
    void documentsSurviveAReopen(@TempDir Path own) {
        try (RocksDocumentStore first = RocksDocumentStore.open(own, BootObjectMapper.create())) {
            first.set("survivors/one", Map.of("v", "sigue aquí"));
            first.merge("survivors/one", Map.of("n", 2));
        }
        try (RocksDocumentStore again = RocksDocumentStore.open(own, BootObjectMapper.create())) {
            assertThat(again.get("survivors/one").orElseThrow().data()).isEqualTo(Map.of("v", "sigue aquí", "n", 2L));
        }
    }

    /** A failed open says which store and why (RocksDB's own lock), and leaves the one that holds it working. */
    @Test
    void aStoreAnotherOneHoldsOpenIsRefusedWithItsDirectoryAndTheFirstGoesOn(@TempDir Path own) {
        try (RocksDocumentStore first = RocksDocumentStore.open(own, BootObjectMapper.create())) {
            assertThatThrownBy(() -> RocksDocumentStore.open(own, BootObjectMapper.create()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("the embedded store at " + own + " cannot be opened")
                    .hasMessageContaining("lock");
            first.set("tenants/t1", Map.of("name", "still open"));
            assertThat(first.get("tenants/t1")).map(d -> d.field("name")).contains("still open");
        }
    }

    /** An open that fails after RocksDB opened the database (here: no JSON mapper) closes it: its lock is free. */
    @Test
    void anOpenThatFailsAfterTheDatabaseOpenedLeavesItClosed(@TempDir Path own) {
        assertThatThrownBy(() -> RocksDocumentStore.open(own, null)).isInstanceOf(NullPointerException.class);
        try (RocksDocumentStore next = RocksDocumentStore.open(own, BootObjectMapper.create())) {
            next.set("tenants/t1", Map.of("name", "opened"));
            assertThat(next.get("tenants/t1")).map(d -> d.field("name")).contains("opened");
        }
    }

    /** What the store holds outside the heap is readable while it is open, and refused once it is closed. */
    @Test
    void itsWriteBuffersGrowWithWhatIsWrittenAndAreNotReadAfterClose(@TempDir Path own) {
        RocksDocumentStore.Memory before;
        RocksDocumentStore.Memory after;
        try (RocksDocumentStore written = RocksDocumentStore.open(own, BootObjectMapper.create())) {
            before = written.memory();
            for (int i = 0; i < 200; i++) {
                written.set("memory/doc-" + i, Map.of("text", "x".repeat(1_000)));
            }
            after = written.memory();
            written.close();
            assertThatThrownBy(written::memory).isInstanceOf(StoreUnavailableException.class);
        }
        assertThat(after.memtables()).isGreaterThan(before.memtables() + 200 * 1_000);
        assertThat(after.blockCache()).isNotNegative();
        assertThat(after.tableReaders()).isNotNegative();
    }

    /**
     * Flushed write buffers are not kept in memory: a TransactionDB keeps two more of 64 MB unless told
     * otherwise, for snapshots the store never takes. RocksDB writes the options it runs with to the store.
     */
    @Test
    void itKeepsNoHistoryOfFlushedWriteBuffers(@TempDir Path own) throws java.io.IOException {
        assertThat(optionsWritten(own)).contains("max_write_buffer_size_to_maintain=1");
    }

    /** The options RocksDB writes to a store it opens: the ones it runs with, a line each. */
    static List<String> optionsWritten(Path dir) throws java.io.IOException {
        try (RocksDocumentStore opened = RocksDocumentStore.open(dir, BootObjectMapper.create());
             java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
            Path options = files.filter(f -> f.getFileName().toString().startsWith("OPTIONS-")).max(Path::compareTo)
                    .orElseThrow();
            return java.nio.file.Files.readAllLines(options).stream().map(String::strip).toList();
        }
    }

    /**
     * Its tables carry a Bloom filter (a new event's dedupe check asks for an id the store does not
     * hold: the filter answers most of those without reading a block), as RocksDB writes the options
     * it runs with; RocksDB's other table defaults are kept.
     */
    @Test
    void itsTablesHaveABloomFilter(@TempDir Path own) throws java.io.IOException {
        List<String> lines = optionsWritten(own);
        assertThat(lines).anyMatch(l -> l.startsWith("filter_policy=bloomfilter:10"));
        assertThat(lines).contains("whole_key_filtering=true", "format_version=6");
    }

    /** A collection is one key range: not its sub-collections', not a longer name's that starts the same. */
    @Test
    void aCollectionHoldsOnlyItsOwnDocuments() {
        store.set("fleet/a", Map.of("v", 1));
        store.set("fleet/a/cars/x", Map.of("v", 2));
        store.set("fleetwood/b", Map.of("v", 3));
        store.set("flee/c", Map.of("v", 4));
        assertThat(store.query("fleet", Query.all())).extracting(Document::path).containsExactly("fleet/a");
        assertThat(store.query("fleet/a/cars", Query.all())).extracting(Document::path).containsExactly("fleet/a/cars/x");
        assertThat(store.query("fleetwood", Query.all())).extracting(Document::path).containsExactly("fleetwood/b");
    }

    @Test
    void aPathLongerThanTheOtherAdaptersKeepIsRefusedAsTheyRefuseIt() {
        String path = "tenants/t1/messages/SM" + "x".repeat(1_600);
        assertThatThrownBy(() -> store.set(path, Map.of("v", 1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1500").hasMessageNotContaining("xxxx");
        assertThatThrownBy(() -> store.get("tenants/t1\0x/messages/m")).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Two transactions that each hold one document and then want the other's: one is chosen to run
     * again, and both end with their writes, instead of waiting for the lock timeout or failing. The
     * store waits an hour for a lock, so without the deadlock found the test would wait past its
     * minute instead of passing after the timeout.
     */
    @Test
    void aDeadlockRunsOneTransactionAgain(@TempDir Path own) throws Exception {
        try (RocksDocumentStore patient = RocksDocumentStore.open(own, BootObjectMapper.create(), Duration.ofHours(1))) {
            deadlock(patient);
        }
    }

    private void deadlock(RocksDocumentStore store) throws Exception {
        store.set("locks/a", Map.of("n", 0));
        store.set("locks/b", Map.of("n", 0));
        CountDownLatch bothHoldOne = new CountDownLatch(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = List.of(
                    pool.submit(() -> crossing(store, "locks/a", "locks/b", bothHoldOne)),
                    pool.submit(() -> crossing(store, "locks/b", "locks/a", bothHoldOne)));
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.get("locks/a").orElseThrow().field("n")).isEqualTo(2L);
        assertThat(store.get("locks/b").orElseThrow().field("n")).isEqualTo(2L);
    }

    private static Object crossing(DocumentStore store, String first, String second, CountDownLatch bothHoldOne) {
        return store.runTransaction(tx -> {
            long a = (Long) tx.get(first).orElseThrow().field("n");
            bothHoldOne.countDown();
            try {
                bothHoldOne.await(); // only on the first run: the count stays at zero after
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            long b = (Long) tx.get(second).orElseThrow().field("n");
            tx.set(first, Map.of("n", a + 1));
            tx.set(second, Map.of("n", b + 1));
            return null;
        });
    }

    @Test
    void aClosedStoreFailsAsUnavailableAndDoesNotCrash(@TempDir Path own) {
        RocksDocumentStore closed = RocksDocumentStore.open(own, BootObjectMapper.create());
        closed.set("x/y", Map.of("v", 1));
        closed.close();
        closed.close();
        assertThatThrownBy(() -> closed.get("x/y")).isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> closed.set("x/y", Map.of("v", 2))).isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> closed.query("x", Query.all())).isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(closed::ping).isInstanceOf(StoreUnavailableException.class);
    }

    /** A transaction kept past its work fails as a mistake instead of reaching a freed native one. */
    @Test
    void aTransactionUsedAfterItsWorkReturnedIsRefused() {
        StoreTransaction[] kept = new StoreTransaction[1];
        store.runTransaction(t -> {
            kept[0] = t;
            return t.get("kept/x");
        });
        assertThatThrownBy(() -> kept[0].get("kept/x")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> kept[0].set("kept/x", Map.of("v", 1))).isInstanceOf(IllegalStateException.class);
        assertThat(store.get("kept/x")).isEmpty();
    }

    /**
     * A process that halts right after its commits returned, never closing the store (a {@code kill -9}):
     * every document a commit acknowledged is there when the store opens again.
     */
    @Test
    void whatACommitAcknowledgedIsThereWhenTheProcessHaltsRightAfter(@TempDir Path own) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HaltAfterCommits.class.getName(), own.resolve("store").toString())
                .redirectErrorStream(true).redirectOutput(own.resolve("child.log").toFile()).start();
        try {
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("the child halted").isTrue();
        } finally {
            child.destroyForcibly(); // a child that hung must not keep the store's lock
        }
        assertThat(java.nio.file.Files.readString(own.resolve("child.log"))).contains("acknowledged " + HaltAfterCommits.COMMITS);

        try (RocksDocumentStore again = RocksDocumentStore.open(own.resolve("store"), BootObjectMapper.create())) {
            assertThat(again.query("tenants/t/messages", Query.all())).hasSize(HaltAfterCommits.COMMITS)
                    .allSatisfy(d -> assertThat(d.field("status")).isEqualTo("submitted"));
            assertThat(again.get("tenants/t/usage/2026-12").orElseThrow().field("channels.whatsapp"))
                    .isEqualTo((long) HaltAfterCommits.COMMITS);
        }
    }

    /** The child of the test above: an accept's and a send's commits per message, then a halt. */
    static final class HaltAfterCommits {
        static final int COMMITS = 50;

        public static void main(String[] args) {
            RocksDocumentStore store = RocksDocumentStore.open(Path.of(args[0]), BootObjectMapper.create());
            for (int i = 0; i < COMMITS; i++) {
                String message = "tenants/t/messages/m" + i;
                store.runTransaction(tx -> {
                    long used = tx.get("tenants/t/usage/2026-12").map(d -> (Long) d.field("channels.whatsapp")).orElse(0L);
                    tx.set(message, Map.of("status", "accepted"));
                    tx.merge("tenants/t/usage/2026-12", Map.of("channels", Map.of("whatsapp", used + 1)));
                    return null;
                });
                store.merge(message, Map.of("status", "submitted"));
            }
            System.out.println("acknowledged " + COMMITS);
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }
    }
}
