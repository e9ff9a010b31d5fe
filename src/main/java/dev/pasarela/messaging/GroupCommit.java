package dev.pasarela.messaging;

import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.StoreTransaction;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit for the send step's store writes: the delivery consumers' small transactions on
 * different messages (the attempt counted, the provider's id recorded) run together in one store
 * transaction when they arrive together, as a database groups the commits of its clients. A commit
 * was the most of a delivery's cost (the embedded store writes a chunk per commit), and one per
 * message per step set the pace. Each caller still returns only after the commit holding its own
 * writes, with its own result, or the exception that transaction ended with (none of it committed).
 *
 * <p>An item claims the documents it will write; one that would share a document with an item
 * before it in the batch, or that needs a document many items share (a quota count), runs in a
 * transaction of its own on its caller's thread ({@link Item#alone}), exactly as before batching.
 */
final class GroupCommit {

    /** The most items in one transaction (Firestore allows 500 writes; an item writes at most 3). */
    static final int MAX_BATCH = 32;

    interface Item<T> {
        /**
         * Reads only (a transaction's reads come before its writes). {@code claimed}: the documents the
         * batch writes so far; add this item's. False: the item runs {@link #alone} instead.
         */
        boolean read(StoreTransaction tx, Set<String> claimed);

        /** Writes only, after every item's {@link #read}; the caller's result. */
        T write(StoreTransaction tx);

        /** The whole work in a transaction of its own. */
        T alone();
    }

    private static final Object ALONE = new Object();

    private record Pending(Item<?> item, Thread thread, CompletableFuture<Object> done) {}

    private final DocumentStore store;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock lock = new ReentrantLock();

    GroupCommit(DocumentStore store) {
        this.store = store;
    }

    @SuppressWarnings("unchecked")
    <T> T run(Item<T> item) {
        Pending mine = new Pending(item, Thread.currentThread(), new CompletableFuture<>());
        queue.add(mine);
        while (!mine.done().isDone()) {
            if (lock.tryLock()) {
                try {
                    List<Pending> batch = new ArrayList<>();
                    for (Pending p; batch.size() < MAX_BATCH && (p = queue.poll()) != null; ) {
                        batch.add(p);
                    }
                    if (!batch.isEmpty()) {
                        commit(batch);
                    }
                } finally {
                    lock.unlock();
                }
                Pending next = queue.peek();
                if (next != null) {
                    LockSupport.unpark(next.thread()); // it leads the next batch
                }
            } else {
                LockSupport.parkNanos(this, 2_000_000); // woken when committed or when it may lead
            }
        }
        Object result;
        try {
            result = mine.done().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        return result == ALONE ? item.alone() : (T) result;
    }

    private void commit(List<Pending> batch) {
        Object[] results = new Object[batch.size()];
        try {
            store.runTransaction(tx -> {
                Set<String> claimed = new HashSet<>(); // anew when a conflict runs the transaction again
                boolean[] together = new boolean[batch.size()];
                for (int i = 0; i < batch.size(); i++) {
                    together[i] = batch.get(i).item().read(tx, claimed);
                }
                for (int i = 0; i < batch.size(); i++) {
                    results[i] = together[i] ? batch.get(i).item().write(tx) : ALONE;
                }
                return null;
            });
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).done().complete(results[i]);
            }
        } catch (RuntimeException | Error e) {
            // nothing of the batch was committed: each item runs alone, so one item's fault fails only its own
            batch.forEach(p -> {
                if (batch.size() == 1) {
                    p.done().completeExceptionally(e);
                } else {
                    p.done().complete(ALONE);
                }
            });
        } finally {
            batch.forEach(p -> LockSupport.unpark(p.thread()));
        }
    }
}
