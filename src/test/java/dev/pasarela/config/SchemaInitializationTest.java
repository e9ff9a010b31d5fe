package dev.pasarela.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.support.PostgresDatabases;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.sql.init.SqlInitializationProperties;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** Replicas starting at once on one fresh PostgreSQL database all start: schema.sql runs one at a time. */
class SchemaInitializationTest {

    String database;

    @AfterEach
    void drop() throws Exception {
        if (database != null) {
            PostgresDatabases.drop(database);
        }
    }

    @Test
    void replicasStartingTogetherOnOneFreshDatabaseAllCreateOrFindTheSchema() throws Exception {
        database = PostgresDatabases.create("schema_init");
        int replicas = 6;
        ExecutorService starts = Executors.newFixedThreadPool(replicas);
        List<Future<Boolean>> started = new ArrayList<>();
        try {
            for (int i = 0; i < replicas; i++) {
                Callable<Boolean> start = () -> {
                    DriverManagerDataSource dataSource = new DriverManagerDataSource(
                            PostgresDatabases.url(database), PostgresDatabases.user(), "");
                    SqlInitializationProperties properties = new SqlInitializationProperties();
                    properties.setMode(DatabaseInitializationMode.ALWAYS);
                    return new SchemaInitialization().dataSourceScriptDatabaseInitializer(dataSource, properties)
                            .initializeDatabase();
                };
                started.add(starts.submit(start));
            }
            for (Future<Boolean> f : started) {
                f.get(); // a replica whose schema.sql failed throws here
            }
        } finally {
            starts.shutdownNow();
        }
        JdbcTemplate jdbc = new JdbcTemplate(new DriverManagerDataSource(PostgresDatabases.url(database),
                PostgresDatabases.user(), ""));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM information_schema.tables WHERE table_name IN"
                + " ('camel_messageprocessed', 'pasarela_documents', 'qrtz_job_details')", Integer.class)).isEqualTo(3);
    }
}
