package dev.pasarela.store;

import dev.pasarela.store.jdbc.JdbcDocumentStore;
import dev.pasarela.support.BootObjectMapper;
import dev.pasarela.support.JvmZone;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;

class JdbcDocumentStoreTest extends DocumentStoreContract {

    @TempDir
    static Path dir;
    static DriverManagerDataSource dataSource;
    static JdbcDocumentStore store;

    @BeforeAll
    static void open() throws Exception {
        dataSource = dataSource(dir);
        new JdbcTemplate(dataSource).execute(Files.readString(Path.of("src/main/resources/schema.sql"),
                StandardCharsets.UTF_8));
        store = new JdbcDocumentStore(new JdbcTemplate(dataSource), new DataSourceTransactionManager(dataSource),
                BootObjectMapper.create(), Clock.systemUTC());
    }

    static DriverManagerDataSource dataSource(Path dir) {
        return new DriverManagerDataSource("jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000",
                "sa", "");
    }

    @AfterAll
    static void close() {
        new JdbcTemplate(dataSource).execute("SHUTDOWN");
    }

    @Override
    protected DocumentStore store() {
        return store;
    }

    /**
     * A path longer than the path column (1,500) failed as "value too long", which was taken for a
     * write conflict and retried until "transaction kept conflicting". It is an invalid path, said once.
     */
    @Test
    void aPathLongerThanTheColumnIsInvalidNotAConflict() {
        String path = "tenants/t1/messages/SM" + "x".repeat(1_600);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.set(path, Map.of("v", 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1500").hasMessageNotContaining("xxxx");
        assertThat(store.get("tenants/t1/messages/SMshort")).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.runTransaction(t -> {
            t.merge(path, Map.of("v", 1));
            return null;
        })).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void documentsSurviveAReopenOfTheFile() {
        store.set("survivors/one", Map.of("v", "sigue aquí"));
        new JdbcTemplate(dataSource).execute("SHUTDOWN");
        DriverManagerDataSource reopened = dataSource(dir);
        JdbcDocumentStore again = new JdbcDocumentStore(new JdbcTemplate(reopened),
                new DataSourceTransactionManager(reopened), BootObjectMapper.create(), Clock.systemUTC());
        assertThat(again.get("survivors/one").orElseThrow().field("v")).isEqualTo("sigue aquí");
    }

    /**
     * In a JVM zone with summer time the hour the clocks go back comes twice; a write in its second
     * pass, bound as a java.sql.Timestamp through that zone, was stored an hour early.
     */
    @Test
    void aWriteInTheHourTheClocksGoBackIsStoredAtItsInstant() {
        JvmZone.during("Europe/Madrid", () -> {
            Instant secondPass = Instant.parse("2026-10-25T01:30:00Z"); // 02:30 CET
            JdbcDocumentStore inMadrid = new JdbcDocumentStore(new JdbcTemplate(dataSource),
                    new DataSourceTransactionManager(dataSource), BootObjectMapper.create(),
                    Clock.fixed(secondPass, ZoneOffset.UTC));
            inMadrid.set("autumn/created", Map.of("v", 1));
            inMadrid.set("autumn/created", Map.of("v", 2)); // and updated
            assertThat(updateTime("autumn/created")).isEqualTo(secondPass);
            inMadrid.set("autumn/other", Map.of("v", 1));
            assertThat(updateTime("autumn/other")).isEqualTo(secondPass);
        });
    }

    private static Instant updateTime(String path) {
        return new JdbcTemplate(dataSource).queryForObject("SELECT update_time FROM pasarela_documents WHERE path = ?",
                OffsetDateTime.class, path).toInstant();
    }
}
