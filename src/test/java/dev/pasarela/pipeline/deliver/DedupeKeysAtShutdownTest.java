package dev.pasarela.pipeline.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.embedded.RocksDocumentStore;
import dev.pasarela.support.BootObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.apache.camel.spi.IdempotentRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * The event ids taken but not yet written (their write delay not passed) are written when the
 * application closes: Spring closes the repository, whose close writes them, before the store it
 * writes to (a bean it depends on) is closed.
 */
class DedupeKeysAtShutdownTest {

    @Test
    void idsTakenJustBeforeTheEndAreWrittenBeforeTheStoreCloses(@TempDir Path dir) throws Exception {
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
            context.registerBean(DocumentStore.class, () -> RocksDocumentStore.open(dir, BootObjectMapper.create()));
            DataSource table = DedupeAndMappingFailuresTest.dedupeTable(); // the table an earlier version used
            context.registerBean(DataSource.class, () -> table);
            context.registerBean(MeterRegistry.class, SimpleMeterRegistry::new);
            context.registerBean(Clock.class, Clock::systemUTC);
            // a delay nothing waits for (the record is not validated here): the id is written by the close or never
            context.registerBean(DedupeProperties.class,
                    () -> new DedupeProperties(Duration.ofDays(30), Duration.ofHours(6), Duration.ofMinutes(10)));
            context.register(IdempotencyConfiguration.class);
            context.refresh();
            IdempotentRepository repository = context.getBean("webhookIdempotentRepository", IdempotentRepository.class);
            repository.start(); // as the routes do
            assertThat(repository.add("acme:evt_last_moment")).isTrue();
            assertThat(context.getBean(DocumentStore.class).expiringKeys(IdempotencyConfiguration.PROCESSOR)
                    .orElseThrow().contains("acme:evt_last_moment")).isFalse(); // not written yet
        } // the context closes here
        try (RocksDocumentStore reopened = RocksDocumentStore.open(dir, BootObjectMapper.create())) {
            assertThat(reopened.expiringKeys(IdempotencyConfiguration.PROCESSOR).orElseThrow()
                    .contains("acme:evt_last_moment")).isTrue();
        }
    }
}
