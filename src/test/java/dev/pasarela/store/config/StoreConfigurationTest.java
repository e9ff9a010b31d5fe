package dev.pasarela.store.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pasarela.store.DocumentStore;
import dev.pasarela.support.BootObjectMapper;
import dev.pasarela.support.EmbeddedDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.mock.env.MockEnvironment;

/** Which adapter a gateway on PostgreSQL gets: the documents stay in the database its replicas share. */
class StoreConfigurationTest {

    @TempDir
    Path dir;

    /** Never connected to: choosing the adapter does not touch the database. */
    final DriverManagerDataSource postgres = new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:5432/pasarela?user=gw");

    @Test
    void autoOnPostgresKeepsTheDocumentsInThatDatabase() {
        DocumentStore store = documentStore(new MockEnvironment()
                .withProperty("spring.datasource.url", "jdbc:postgresql://127.0.0.1:5432/pasarela?user=gw"));
        assertThat(store.kind()).isEqualTo("jdbc");
    }

    @Test
    void embeddedOnPostgresIsRefusedWithWhatToSetInstead() {
        assertThatThrownBy(() -> documentStore(new MockEnvironment().withProperty("pasarela.store.type", "embedded")
                .withProperty("spring.datasource.url", "jdbc:postgresql://gw:s3cr3t@db.internal:5432/pasarela?password=s3cr3t")))
                .isInstanceOfSatisfying(StoreRefusedToStartException.class, refused -> {
                    // printed as Spring Boot's start-failure report: what is wrong, then what to do
                    FailureAnalysis report = new StoreRefusedToStartFailureAnalyzer().analyze(refused);
                    assertThat(report.getDescription()).contains("jdbc:postgresql://db.internal:5432/pasarela");
                    assertThat(report.getAction()).contains("PASARELA_STORE_TYPE=jdbc");
                })
                .hasMessageContaining("jdbc:postgresql://db.internal:5432/pasarela")
                .hasMessageContaining("PASARELA_STORE_TYPE=jdbc")
                .hasMessageNotContaining("s3cr3t");
    }

    /** PASARELA_STORE_TABLE_IMPORT, as the environment variable an operator sets, reaches the import. */
    @Test
    void theTableImportIsTakenFromItsEnvironmentVariable() {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new SystemEnvironmentPropertySource("env",
                Map.of("PASARELA_STORE_TABLE_IMPORT", "again:0123abcd")));
        assertThat(Binder.get(env).bindOrCreate("pasarela.store", StoreProperties.class).tableImport())
                .isEqualTo("again:0123abcd");
    }

    /**
     * A start refused because store/ is missing leaves none behind: an empty store made for the check
     * would mix with the files of a backup restored into it.
     */
    @Test
    void aStoreMadeOnlyForARefusedCheckIsNotLeftBehind() throws IOException {
        DriverManagerDataSource h2 = EmbeddedDatabases.open(dir);
        try {
            new JdbcTemplate(h2).update("INSERT INTO pasarela_store_import(id, copied_at, documents) VALUES (1, ?, 0)",
                    OffsetDateTime.parse("2026-11-01T10:00:00Z"));
            MockEnvironment env = new MockEnvironment().withProperty("spring.datasource.url", "jdbc:h2:file:" + dir);
            assertThatThrownBy(() -> documentStore(env, h2)).isInstanceOf(StoreRefusedToStartException.class)
                    .hasMessageContaining("store/ is missing");
            assertThat(dir.resolve("store")).doesNotExist();
            Files.createDirectory(dir.resolve("store")); // made by the operator, to restore into: left empty
            assertThatThrownBy(() -> documentStore(env, h2)).isInstanceOf(StoreRefusedToStartException.class);
            assertThat(dir.resolve("store")).isEmptyDirectory();
        } finally {
            new JdbcTemplate(h2).execute("SHUTDOWN");
        }
    }

    private DocumentStore documentStore(MockEnvironment env) {
        return documentStore(env, postgres);
    }

    private DocumentStore documentStore(MockEnvironment env, DataSource dataSource) {
        env.setProperty("pasarela.data-dir", dir.toString()); // were an embedded store opened, not in ./data
        StoreProperties settings = Binder.get(env).bindOrCreate("pasarela.store", StoreProperties.class);
        return new StoreConfiguration().documentStore(settings, env, new JdbcTemplate(dataSource),
                new DataSourceTransactionManager(dataSource), BootObjectMapper.create(), Clock.systemUTC());
    }
}
