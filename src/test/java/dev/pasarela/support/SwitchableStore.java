package dev.pasarela.support;

import dev.pasarela.pipeline.errors.PermanentException;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.Query;
import dev.pasarela.store.StoreTransaction;
import dev.pasarela.store.StoreUnavailableException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The real store, with a switch that makes its writes fail: as an unreachable database would
 * (transient), or as a write the data can never satisfy would (permanent).
 */
public class SwitchableStore implements DocumentStore {

    public enum Writes { UP, UNAVAILABLE, REJECTED }

    private final DocumentStore real;
    private final AtomicReference<Writes> writes = new AtomicReference<>(Writes.UP);
    private final AtomicInteger refusedTransactions = new AtomicInteger();

    public SwitchableStore(DocumentStore real) {
        this.real = real;
    }

    public void writes(Writes mode) {
        writes.set(mode);
    }

    public int refusedTransactions() {
        return refusedTransactions.get();
    }

    private void check() {
        switch (writes.get()) {
            case UNAVAILABLE -> {
                refusedTransactions.incrementAndGet();
                throw new StoreUnavailableException("simulated outage: the store refuses writes", null);
            }
            case REJECTED -> {
                refusedTransactions.incrementAndGet();
                throw new PermanentException("simulated rejection: the store refuses this write for good");
            }
            default -> { }
        }
    }

    @Override
    public Optional<Document> get(String path) {
        return real.get(path);
    }

    @Override
    public void set(String path, Map<String, Object> data) {
        check();
        real.set(path, data);
    }

    @Override
    public void merge(String path, Map<String, Object> data) {
        check();
        real.merge(path, data);
    }

    @Override
    public void delete(String path) {
        check();
        real.delete(path);
    }

    @Override
    public List<Document> query(String collectionPath, Query query) {
        return real.query(collectionPath, query);
    }

    @Override
    public <T> T runTransaction(Function<StoreTransaction, T> work) {
        check();
        return real.runTransaction(work);
    }

    @Override
    public String kind() {
        return real.kind();
    }

    @Override
    public void ping() {
        real.ping();
    }
}
