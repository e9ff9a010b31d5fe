package dev.pasarela.pipeline.deliver;

import javax.sql.DataSource;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.apache.camel.spi.IdempotentRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class IdempotencyConfiguration {

    /**
     * Webhook event ids already accepted, in the embedded database. The table is ours
     * ({@code schema.sql}): Camel's default one has no primary key and a 100-character id.
     */
    @Bean
    IdempotentRepository webhookIdempotentRepository(DataSource dataSource) {
        JdbcMessageIdRepository repo = new JdbcMessageIdRepository(dataSource, "webhooks");
        repo.setCreateTableIfNotExists(false);
        return repo;
    }
}
