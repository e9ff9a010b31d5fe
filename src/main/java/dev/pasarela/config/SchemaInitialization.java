package dev.pasarela.config;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.sql.init.SqlDataSourceScriptDatabaseInitializer;
import org.springframework.boot.autoconfigure.sql.init.SqlInitializationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.init.UncategorizedScriptException;

/**
 * {@code schema.sql} run by one replica at a time. Replicas sharing a PostgreSQL database start
 * together (docker compose, a rollout); two {@code CREATE TABLE IF NOT EXISTS} of one table at once
 * can both pass the check, and the second then fails on PostgreSQL's catalogue (duplicate key in
 * {@code pg_type}), stopping that replica's start. A session advisory lock, held on a connection of
 * its own while Spring Boot runs the scripts, makes the others wait and then find the tables.
 */
@Configuration(proxyBeanMethods = false)
public class SchemaInitialization {

    /** The advisory lock's key: any number the gateway uses for nothing else. */
    static final long LOCK = 0x7061736172656c61L; // "pasarela"

    @Bean
    SqlDataSourceScriptDatabaseInitializer dataSourceScriptDatabaseInitializer(DataSource dataSource,
                                                                               SqlInitializationProperties properties) {
        return new SqlDataSourceScriptDatabaseInitializer(dataSource, properties) {
            @Override
            protected void runScripts(Scripts scripts) {
                try (Connection lock = dataSource.getConnection()) {
                    boolean postgres = "PostgreSQL".equals(lock.getMetaData().getDatabaseProductName());
                    if (postgres) {
                        advisory(lock, "SELECT pg_advisory_lock(?)");
                    }
                    try {
                        super.runScripts(scripts);
                    } finally {
                        if (postgres) {
                            advisory(lock, "SELECT pg_advisory_unlock(?)");
                        }
                    }
                } catch (SQLException e) {
                    throw new UncategorizedScriptException("could not take the schema lock: " + e.getMessage(), e);
                }
            }
        };
    }

    private static void advisory(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, LOCK);
            statement.execute();
        }
    }
}
