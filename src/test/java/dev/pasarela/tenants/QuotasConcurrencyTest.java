package dev.pasarela.tenants;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.api.RateLimitedException;
import dev.pasarela.store.jdbc.JdbcDocumentStore;
import dev.pasarela.support.BootObjectMapper;
import dev.pasarela.support.EmbeddedDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** Concurrent sends of one tenant share transactions, yet the count stays exact and the limit is never passed. */
class QuotasConcurrencyTest {

    @TempDir
    static Path dir;
    static DriverManagerDataSource dataSource;
    static Quotas quotas;
    static JdbcDocumentStore store;
    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    @BeforeAll
    static void open() throws Exception {
        dataSource = EmbeddedDatabases.open(dir);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        store = new JdbcDocumentStore(new JdbcTemplate(dataSource), new DataSourceTransactionManager(dataSource),
                BootObjectMapper.create(), clock);
        PlanCatalog catalog = new PlanCatalog(new DefaultResourceLoader(), "file:config/plans.yml");
        quotas = new Quotas(store, new EffectivePlan(catalog, clock), clock);
    }

    @AfterAll
    static void close() {
        new JdbcTemplate(dataSource).execute("SHUTDOWN");
    }

    static Tenant tenant(String id) {
        return new Tenant(id, id, "free", "UTC", Map.of(), null, Map.of(), 1L, null, null); // whatsapp: 100 a month
    }

    @Test
    void concurrentSendsOfOneTenantSpendExactlyTheQuotaAndNoMore() throws Exception {
        Tenant t = tenant("t-race");
        AtomicInteger counted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> calls = new ArrayList<>();
        for (int i = 0; i < 160; i++) {
            calls.add(pool.submit(() -> {
                start.await();
                try {
                    assertThat(quotas.consume(t, "whatsapp", 1)).isEqualTo("2026-11");
                    counted.incrementAndGet();
                } catch (RateLimitedException e) {
                    assertThat(e.type()).isEqualTo("quota-exhausted/whatsapp");
                    refused.incrementAndGet();
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : calls) {
            f.get();
        }
        pool.shutdown();
        assertThat(counted.get()).isEqualTo(100);
        assertThat(refused.get()).isEqualTo(60);
        assertThat(quotas.usage(t).channels().get("whatsapp").used()).isEqualTo(100);
    }

    @Test
    void unitsGivenBackMakeRoomAgainAndTheCountNeverGoesBelowZero() {
        Tenant t = tenant("t-back");
        for (int i = 0; i < 100; i++) {
            quotas.consume(t, "whatsapp", 1);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> quotas.consume(t, "whatsapp", 1))
                .isInstanceOf(RateLimitedException.class);
        quotas.giveBack(t, "whatsapp", "2026-11");
        quotas.consume(t, "whatsapp", 1);
        assertThat(quotas.usage(t).channels().get("whatsapp").used()).isEqualTo(100);
        quotas.consume(t, "sms", -5);
        assertThat(quotas.usage(t).channels().get("sms").used()).isZero();
    }
}
