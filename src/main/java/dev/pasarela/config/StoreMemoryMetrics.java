package dev.pasarela.config;

import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.embedded.RocksDocumentStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded store's memory outside the heap ({@code pasarela.store.memory{part}}, bytes): the
 * process's resident size grows by it while its write buffers fill, and no heap figure shows it.
 * Here, not in {@code store}: the store depends on no metrics library (ArchitectureTest).
 */
@Configuration(proxyBeanMethods = false)
public class StoreMemoryMetrics {

    private static final Map<String, ToLongFunction<RocksDocumentStore.Memory>> PARTS = Map.of(
            "memtables", RocksDocumentStore.Memory::memtables,
            "block-cache", RocksDocumentStore.Memory::blockCache,
            "table-readers", RocksDocumentStore.Memory::tableReaders);

    @Bean
    MeterBinder storeMemory(DocumentStore store) {
        return registry -> {
            if (store instanceof RocksDocumentStore rocks) {
                PARTS.forEach((part, read) -> Gauge.builder("pasarela.store.memory", rocks, r -> bytes(r, read))
                        .tag("part", part).baseUnit("bytes").register(registry));
            }
        };
    }

    private static double bytes(RocksDocumentStore store, ToLongFunction<RocksDocumentStore.Memory> read) {
        try {
            return read.applyAsLong(store.memory());
        } catch (RuntimeException closedOrFailing) { // a scrape while the context closes: no figure, no error
            return Double.NaN;
        }
    }
}
