package dev.pasarela.pipeline.deliver;

import dev.pasarela.pipeline.ingress.WebhookIds;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.ExpiringKeys;
import dev.pasarela.store.jdbc.JdbcExpiringKeys;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

@Configuration(proxyBeanMethods = false)
@EnableScheduling
public class IdempotencyConfiguration {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyConfiguration.class);
    static final String PROCESSOR = "webhooks";

    /**
     * Where webhook event ids are kept: beside the documents when the store keeps key sets (the
     * embedded one, so that the embedded H2's file does not grow with them; bench/RESULTS.md), with
     * the ids an earlier version kept in the database's table read until they expire there; else in
     * that table ({@code CAMEL_MESSAGEPROCESSED}, ours in {@code schema.sql}: Camel's default one has
     * no primary key and a 100-character id), which PostgreSQL shares among gateways.
     */
    @Bean
    ExpiringKeys webhookEventKeys(DocumentStore store, DataSource dataSource) {
        ExpiringKeys table = new JdbcExpiringKeys(dataSource, "CAMEL_MESSAGEPROCESSED", PROCESSOR);
        return store.expiringKeys(PROCESSOR).<ExpiringKeys>map(kept -> {
            KeysMovedFromTable moved = new KeysMovedFromTable(kept, table);
            log.info("Webhook event ids: kept in the {} store{}", store.kind(), moved.readsEarlier()
                    ? ", and those kept before in the database's table CAMEL_MESSAGEPROCESSED read until they expire"
                    : "");
            return moved;
        }).orElseGet(() -> {
            log.info("Webhook event ids: kept in the database's table CAMEL_MESSAGEPROCESSED");
            return table;
        });
    }

    /** Webhook event ids already accepted; its writer is closed by Spring, after Camel has stopped. */
    @Bean(destroyMethod = "close")
    IdempotentRepository webhookIdempotentRepository(ExpiringKeys webhookEventKeys, MeterRegistry meters, Clock clock,
                                                     DedupeProperties dedupe) {
        return new GuardedRepository(webhookEventKeys, meters, clock, dedupe.writeDelay());
    }

    /**
     * The insert runs after the enqueue (the consumer is not eager), when the dedupe block completes,
     * where Camel logs a failure at WARN and goes on: a key too long for the column would then let
     * every duplicate through. So a key that cannot be inserted is refused by {@link #contains},
     * which runs in the request before the enqueue, as the invalid-payload problem (400: a retry of
     * the same key fails the same). {@code IngressSteps} checks keys first, so that is a backstop.
     * The insert is the {@link DedupeKeyWriter}'s, written behind the request with the keys of the
     * next moments; {@link #contains} sees a key from the moment it is added. Two overlapping
     * deliveries of one event can both pass {@link #contains}: the second add is a duplicate
     * (false), not a failure. An insert that fails otherwise (the database went away) is logged at
     * ERROR and counted ({@code pasarela.dedupe.insert.failures}), never silent.
     */
    static final class GuardedRepository extends ServiceSupport implements IdempotentRepository {
        private static final long BACKLOG_WAIT_SECONDS = 30;
        private final ExpiringKeys keys;
        private final MeterRegistry meters;
        private final DedupeKeyWriter writer;

        GuardedRepository(ExpiringKeys keys, MeterRegistry meters, Clock clock, Duration writeDelay) {
            this.keys = keys;
            this.meters = meters;
            this.writer = new DedupeKeyWriter(keys, clock, writeDelay);
        }

        @Override
        protected void doStart() {
            writer.start(); // a no-op once running: every provider's route starts this one repository
        }

        /**
         * Nothing: Camel stops a route's repository with the route, and this one is every provider's.
         * Stopping one route (over JMX, by a route policy; the console's Jolokia policy refuses it)
         * would otherwise stop the dedupe of all of them.
         */
        @Override
        protected void doStop() {
        }

        /**
         * Writes the keys already taken, then takes no more: at the application's end, once Camel has
         * stopped, and before the key store closes (a bean it depends on). Replaces Camel's
         * {@code Service.close()}, a {@code stop()}, which is nothing here.
         */
        @Override
        public void close() {
            writer.close();
        }

        @Override
        public boolean contains(String key) {
            WebhookIds.checkEventKey(key); // the limit is the messageId column's (schema.sql)
            // pending first: the writer drops a key from it only after its write, so the key is
            // always in one place or the other
            return writer.isPending(key) || keys.contains(key);
        }

        /**
         * Camel adds the key of every event whose dedupe block completes, a duplicate's too (the route does not skip
         * duplicates, to count and answer them): that key is known, so nothing is queued to write.
         */
        @Override
        public boolean add(Exchange exchange, String key) {
            if (exchange.getProperty(ExchangePropertyKey.DUPLICATE_MESSAGE, false, Boolean.class)) {
                return false;
            }
            return add(key);
        }

        /** True when the key is new; false when it is known or pending. Its insert follows (see the writer). */
        @Override
        public boolean add(String key) {
            DedupeKeyWriter.Submitted submitted;
            try {
                submitted = writer.submit(key);
            } catch (RuntimeException e) {
                failed(key, e);
                throw e;
            }
            submitted.inserted().whenComplete((inserted, failure) -> {
                if (failure != null) {
                    failed(key, failure);
                }
            });
            CompletableFuture<Boolean> inserted = submitted.inserted();
            if (!submitted.backlogged()) { // not written yet, so new, unless already known as a duplicate
                return !inserted.isDone() || inserted.isCompletedExceptionally() || inserted.join();
            }
            try { // the database is behind: the request waits for its own commit, as it did before
                return inserted.get(BACKLOG_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new DedupeKeyWriter.DedupeWriteException(e.getCause());
            } catch (TimeoutException e) {
                throw new DedupeKeyWriter.DedupeWriteException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DedupeKeyWriter.DedupeWriteException(e);
            }
        }

        /** Forgets a key (the route does not ask: a failed exchange never added its key, the consumer not being eager). */
        @Override
        public boolean remove(String key) {
            return keys.remove(key);
        }

        @Override
        public boolean confirm(String key) {
            return true; // added once queued: nothing left to confirm
        }

        /** Forgetting every event id would let every provider retry through: not offered. */
        @Override
        public void clear() {
            throw new UnsupportedOperationException("webhook event ids are forgotten by age only (pasarela.dedupe.retention)");
        }

        private void failed(String key, Throwable e) {
            meters.counter("pasarela.dedupe.insert.failures").increment();
            // the key's length and hash, not the key: it is provider input
            log.error("Dedupe insert failed for an event key of {} characters (hash {}): {}; a provider retry "
                    + "of this event will be queued again (sinks drop it by event key)", key.length(),
                    Integer.toHexString(key.hashCode()),
                    e instanceof DedupeKeyWriter.DedupeWriteException ? e.getMessage() : e.getClass().getSimpleName());
        }
    }

    /**
     * Forgets event ids older than the retention (default 30 days, well past the 3 days Stripe
     * and the 7 days Meta keep retrying), so the table does not grow without bound.
     */
    @Bean
    DedupeRetention dedupeRetention(ExpiringKeys webhookEventKeys, DedupeProperties dedupe, Clock clock) {
        return new DedupeRetention(webhookEventKeys, dedupe.retention(), clock);
    }

    public record DedupeRetention(ExpiringKeys keys, Duration retention, Clock clock) {
        @Scheduled(initialDelayString = "PT1M", fixedDelayString = "${pasarela.dedupe.purge-interval:PT6H}")
        public long purge() {
            long n = keys.forgetAddedBefore(clock.instant().minus(retention));
            if (n > 0) {
                log.info("Forgot {} webhook event ids older than {}", n, retention);
            }
            return n;
        }
    }
}
