package dev.pasarela.support;

import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.Query;
import dev.pasarela.store.StoreTransaction;
import dev.pasarela.store.StoreUnavailableException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** The real store, with a switch that makes its writes fail as an unreachable database would. */
public class SwitchableStore implements DocumentStore {

    private final DocumentStore real;
    private final AtomicBoolean writesDown = new AtomicBoolean();
    private final AtomicInteger refusedTransactions = new AtomicInteger();

    public SwitchableStore(DocumentStore real) {
        this.real = real;
    }

    public void writesDown(boolean down) {
        writesDown.set(down);
    }

    public int refusedTransactions() {
        return refusedTransactions.get();
    }

    private void check() {
        if (writesDown.get()) {
            refusedTransactions.incrementAndGet();
            throw new StoreUnavailableException("simulated outage: the store refuses writes", null);
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
