package dev.pasarela.store;

import dev.pasarela.support.BootObjectMapper;
import java.time.Clock;
import dev.pasarela.store.jdbc.JdbcDocumentStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The JDBC adapter on the machine's PostgreSQL (the scale-out database for the embedded
 * adapter's tables), in a schema of its own that is dropped afterwards.
 */
class PostgresDocumentStoreTest extends DocumentStoreContract {

    static final String SCHEMA = "pasarela_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    static DriverManagerDataSource dataSource;
    static JdbcDocumentStore store;

    @BeforeAll
    static void open() throws Exception {
        String url = System.getProperty("pasarela.test.postgres-url", "jdbc:postgresql://127.0.0.1:5432/postgres");
        String user = System.getProperty("pasarela.test.postgres-user", "postgres");
        new JdbcTemplate(new DriverManagerDataSource(url, user, "")).execute("CREATE SCHEMA " + SCHEMA);
        dataSource = new DriverManagerDataSource(url + "?currentSchema=" + SCHEMA, user, "");
        new JdbcTemplate(dataSource).execute(Files.readString(Path.of("src/main/resources/schema.sql"),
                StandardCharsets.UTF_8));
        store = new JdbcDocumentStore(new JdbcTemplate(dataSource), new DataSourceTransactionManager(dataSource),
                BootObjectMapper.create(), Clock.systemUTC());
    }

    @AfterAll
    static void drop() {
        if (dataSource != null) {
            new JdbcTemplate(dataSource).execute("DROP SCHEMA " + SCHEMA + " CASCADE");
        }
    }

    @Override
    protected DocumentStore store() {
        return store;
    }
}
