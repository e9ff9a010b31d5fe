package dev.pasarela.pipeline.deliver;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.apache.camel.spi.IdempotentRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
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
    IdempotentRepository webhookIdempotentRepository(DataSource dataSource) {
        JdbcMessageIdRepository repo = new JdbcMessageIdRepository(dataSource, PROCESSOR);
        repo.setCreateTableIfNotExists(false);
        return repo;
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
