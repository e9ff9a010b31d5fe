package dev.pasarela.pipeline.deliver;

import dev.pasarela.pipeline.ingress.WebhookIds;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.apache.camel.spi.IdempotentRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

@Configuration(proxyBeanMethods = false)
@EnableScheduling
public class IdempotencyConfiguration {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyConfiguration.class);
    static final String PROCESSOR = "webhooks";

    /**
     * Webhook event ids already accepted, in the embedded database. The table is ours
     * ({@code schema.sql}): Camel's default one has no primary key and a 100-character id.
     */
    @Bean
    IdempotentRepository webhookIdempotentRepository(DataSource dataSource, MeterRegistry meters, Clock clock,
                                                     DedupeProperties dedupe) {
        GuardedRepository repo = new GuardedRepository(dataSource, meters, clock, dedupe.writeDelay());
        repo.setCreateTableIfNotExists(false);
        return repo;
    }

    /**
     * The insert runs after the enqueue (the consumer is not eager) in an on-completion hook,
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
    static final class GuardedRepository extends JdbcMessageIdRepository {
        private static final long BACKLOG_WAIT_SECONDS = 30;
        private final MeterRegistry meters;
        private final DedupeKeyWriter writer;

        GuardedRepository(DataSource dataSource, MeterRegistry meters, Clock clock, Duration writeDelay) {
            super(dataSource, PROCESSOR);
            this.meters = meters;
            this.writer = new DedupeKeyWriter(dataSource, PROCESSOR, clock, writeDelay);
        }

        @Override
        protected void doStart() throws Exception {
            super.doStart();
            writer.start();
        }

        @Override
        protected void doStop() throws Exception {
            writer.close();
            super.doStop();
        }

        @Override
        public boolean contains(String key) {
            WebhookIds.checkEventKey(key); // the limit is the messageId column's (schema.sql)
            // pending first: the writer drops a key from it only after its commit, so the key is
            // always in one place or the other. The read is one indexed query on an auto-commit
            // connection: Camel's contains wraps it in a transaction, a begin and a commit per request
            return writer.isPending(key) || queryForInt(key) > 0;
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

        private void failed(String key, Throwable e) {
            meters.counter("pasarela.dedupe.insert.failures").increment();
            // the key's length and hash, not the key: it is provider input
            log.error("Dedupe insert failed for an event key of {} characters (hash {}): {}; a provider retry "
                    + "of this event will be queued again (sinks drop it by event key)", key.length(),
                    Integer.toHexString(key.hashCode()),
                    e instanceof DedupeKeyWriter.DedupeWriteException ? e.getMessage() : e.getClass().getSimpleName());
        }

        /** Spring's translation, or the SQLSTATE 23505 (H2, PostgreSQL) it translates from. */
        static boolean uniqueViolation(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof DuplicateKeyException
                        || t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Forgets event ids older than the retention (default 30 days, well past the 3 days Stripe
     * and the 7 days Meta keep retrying), so the table does not grow without bound.
     */
    @Bean
    DedupeRetention dedupeRetention(JdbcTemplate jdbc,
                                    DedupeProperties dedupe, Clock clock) {
        return new DedupeRetention(jdbc, dedupe.retention(), clock);
    }

    public record DedupeRetention(JdbcTemplate jdbc, Duration retention, Clock clock) {
        @Scheduled(initialDelayString = "PT1M", fixedDelayString = "${pasarela.dedupe.purge-interval:PT6H}")
        public int purge() {
            int n = jdbc.update("DELETE FROM CAMEL_MESSAGEPROCESSED WHERE processorName = ? AND createdAt < ?",
                    PROCESSOR, Timestamp.from(clock.instant().minus(retention)));
            if (n > 0) {
                log.info("Forgot {} webhook event ids older than {}", n, retention);
            }
            return n;
        }
    }
}
