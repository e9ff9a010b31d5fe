package dev.pasarela.store.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pasarela.store.DocumentStore;
import dev.pasarela.support.BootObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.diagnostics.FailureAnalysis;
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

    private DocumentStore documentStore(MockEnvironment env) {
        env.setProperty("pasarela.data-dir", dir.toString()); // were an embedded store opened, not in ./data
        StoreProperties settings = Binder.get(env).bindOrCreate("pasarela.store", StoreProperties.class);
        return new StoreConfiguration().documentStore(settings, env, new JdbcTemplate(postgres),
                new DataSourceTransactionManager(postgres), BootObjectMapper.create(), Clock.systemUTC());
    }
}
