package dev.pasarela.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What every store adapter must do, run against each of them. */
public abstract class DocumentStoreContract {

    protected abstract DocumentStore store();

    /** Each test works under its own root collection, so adapters can share one database. */
    private final String root = "c" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    private String doc(String id) {
        return root + "/" + id;
    }

    @Test
    void setGetAndDelete() {
        store().set(doc("a"), Map.of("name", "Autos García", "n", 3, "ok", true,
                "nested", Map.of("list", List.of(1, "two"))));
        Document d = store().get(doc("a")).orElseThrow();
        assertThat(d.id()).isEqualTo("a");
        assertThat(d.path()).isEqualTo(doc("a"));
        assertThat(d.data()).containsEntry("name", "Autos García").containsEntry("n", 3L).containsEntry("ok", true);
        assertThat(d.field("nested.list")).isEqualTo(List.of(1L, "two"));
        store().delete(doc("a"));
        assertThat(store().get(doc("a"))).isEmpty();
    }

    @Test
    void setReplacesMergeMergesDeeply() {
        store().set(doc("m"), Map.of("a", 1, "sub", Map.of("x", 1, "y", 2)));
        store().set(doc("m"), Map.of("b", 2));
        assertThat(store().get(doc("m")).orElseThrow().data()).containsOnlyKeys("b");
        store().merge(doc("m"), Map.of("sub", Map.of("x", 1, "y", 2)));
        store().merge(doc("m"), Map.of("sub", Map.of("y", 3, "z", 4), "c", "ñ"));
        Document d = store().get(doc("m")).orElseThrow();
        assertThat(d.field("b")).isEqualTo(2L);
        assertThat(d.field("sub")).isEqualTo(Map.of("x", 1L, "y", 3L, "z", 4L));
        assertThat(d.field("c")).isEqualTo("ñ");
        store().merge(doc("created-by-merge"), Map.of("v", 1));
        assertThat(store().get(doc("created-by-merge"))).isPresent();
    }

    @Test
    void subCollectionsAreSeparateCollections() {
        store().set(doc("t1"), Map.of("k", "parent"));
        store().set(doc("t1") + "/events/e1", Map.of("k", "child"));
        assertThat(store().query(root, Query.all())).extracting(Document::id).containsExactly("t1");
        assertThat(store().query(doc("t1") + "/events", Query.all())).extracting(Document::id).containsExactly("e1");
    }

    @Test
    void queriesFilterOrderAndLimit() {
        store().set(doc("1"), Map.of("plan", "pro", "rank", 3, "tz", Map.of("zone", "Europe/Madrid")));
        store().set(doc("2"), Map.of("plan", "pro", "rank", 1, "tz", Map.of("zone", "UTC")));
        store().set(doc("3"), Map.of("plan", "free", "rank", 2));
        store().set(doc("4"), Map.of("plan", "pro", "rank", 2));
        assertThat(store().query(root, Query.all().whereEqualTo("plan", "pro").orderBy("rank", false)))
                .extracting(Document::id).containsExactly("2", "4", "1");
        assertThat(store().query(root, Query.all().orderBy("rank", true).limit(2)))
                .extracting(Document::id).containsExactly("1", "4"); // ties: by id, in the order's direction
        assertThat(store().query(root, Query.all().whereEqualTo("tz.zone", "UTC")))
                .extracting(Document::id).containsExactly("2");
        assertThat(store().query(root, Query.all().whereEqualTo("rank", 2).whereEqualTo("plan", "free")))
                .extracting(Document::id).containsExactly("3");
    }

    @Test
    void transactionsCommitAtomicallyAndSeeTheirReads() {
        store().set(doc("acc"), Map.of("balance", 10));
        long result = store().runTransaction(tx -> {
            long b = (Long) tx.get(doc("acc")).orElseThrow().field("balance");
            tx.set(doc("acc"), Map.of("balance", b + 5));
            tx.set(doc("log"), Map.of("delta", 5));
            return b + 5;
        });
        assertThat(result).isEqualTo(15L);
        assertThat(store().get(doc("acc")).orElseThrow().field("balance")).isEqualTo(15L);
        assertThat(store().get(doc("log"))).isPresent();
    }

    /** Several merges of one document in one transaction all apply (an accept's conversation merge and a stamp). */
    @Test
    void mergesOfOneDocumentInOneTransactionAllApply() {
        store().set(doc("conv"), Map.of("channel", "whatsapp"));
        store().runTransaction(tx -> {
            tx.get(doc("conv"));
            tx.get(doc("fresh"));
            tx.merge(doc("conv"), Map.of("lastMessageAt", "1"));
            tx.merge(doc("conv"), Map.of("lastAgentReplyAt", "2"));
            tx.merge(doc("fresh"), Map.of("a", 1));
            tx.merge(doc("fresh"), Map.of("b", 2));
            return null;
        });
        assertThat(store().get(doc("conv")).orElseThrow().data())
                .containsEntry("channel", "whatsapp").containsEntry("lastMessageAt", "1").containsEntry("lastAgentReplyAt", "2");
        assertThat(store().get(doc("fresh")).orElseThrow().data()).containsEntry("a", 1L).containsEntry("b", 2L);
    }

    /**
     * A merge after a read builds on the document as it stands in the transaction: not on changes the
     * caller made to the map it read, on what the transaction wrote since, on nothing after a delete.
     */
    @Test
    void aMergeAfterAReadBuildsOnTheDocumentNotOnWhatTheCallerDidWithIt() {
        store().set(doc("read-then-merged"), Map.of("a", 1, "sub", Map.of("x", 1)));
        store().runTransaction(tx -> {
            Map<String, Object> read = tx.get(doc("read-then-merged")).orElseThrow().data();
            try {
                read.put("a", 99);
            } catch (UnsupportedOperationException immutable) {
                // a store may hand out what it read as it is, unchangeable
            }
            tx.merge(doc("read-then-merged"), Map.of("b", 2, "sub", Map.of("y", 2)));
            return null;
        });
        assertThat(store().get(doc("read-then-merged")).orElseThrow().data())
                .isEqualTo(Map.of("a", 1L, "b", 2L, "sub", Map.of("x", 1L, "y", 2L)));

        store().runTransaction(tx -> {
            tx.get(doc("read-then-merged"));
            tx.set(doc("read-then-merged"), Map.of("s", 1));
            tx.merge(doc("read-then-merged"), Map.of("m", 2));
            return null;
        });
        assertThat(store().get(doc("read-then-merged")).orElseThrow().data()).isEqualTo(Map.of("s", 1L, "m", 2L));

        store().runTransaction(tx -> {
            tx.get(doc("read-then-merged"));
            tx.delete(doc("read-then-merged"));
            tx.merge(doc("read-then-merged"), Map.of("c", 3));
            return null;
        });
        assertThat(store().get(doc("read-then-merged")).orElseThrow().data()).isEqualTo(Map.of("c", 3L));
    }

    @Test
    void aFailingTransactionWritesNothing() {
        store().set(doc("keep"), Map.of("v", 1));
        assertThatThrownBy(() -> store().runTransaction(tx -> {
            tx.get(doc("keep"));
            tx.set(doc("keep"), Map.of("v", 2));
            tx.set(doc("other"), Map.of("v", 2));
            throw new IllegalStateException("boom");
        })).hasMessageContaining("boom");
        assertThat(store().get(doc("keep")).orElseThrow().field("v")).isEqualTo(1L);
        assertThat(store().get(doc("other"))).isEmpty();
    }

    @Test
    void concurrentReadModifyWriteTransactionsLoseNoUpdate() throws Exception {
        store().set(doc("counter"), Map.of("n", 0));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                futures.add(pool.submit(() -> store().runTransaction(tx -> {
                    long n = (Long) tx.get(doc("counter")).orElseThrow().field("n");
                    tx.set(doc("counter"), Map.of("n", n + 1));
                    return null;
                })));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store().get(doc("counter")).orElseThrow().field("n")).isEqualTo(20L);
    }

    @Test
    void concurrentCreatesOfTheSameDocumentBothComplete() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int v = i;
                futures.add(pool.submit(() -> store().runTransaction(tx -> {
                    Map<String, Object> data = tx.get(doc("new")).map(Document::data).orElse(Map.of());
                    List<Object> seen = new ArrayList<>((List<?>) data.getOrDefault("seen", List.of()));
                    seen.add((long) v);
                    tx.set(doc("new"), Map.of("seen", seen));
                    return null;
                })));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat((List<?>) store().get(doc("new")).orElseThrow().field("seen")).hasSize(8);
    }

    @Test
    void rejectsInvalidPaths() {
        assertThatThrownBy(() -> store().get(root)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().set("a/b/c", Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().query(doc("x"), Query.all())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().get("a//b")).isInstanceOf(IllegalArgumentException.class);
    }
}
