package dev.pasarela.store;

import dev.pasarela.support.BootObjectMapper;
import java.time.Clock;
import dev.pasarela.store.embedded.EmbeddedDocumentStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedDocumentStoreTest extends DocumentStoreContract {

    @TempDir
    static Path dir;
    static DriverManagerDataSource dataSource;
    static EmbeddedDocumentStore store;

    @BeforeAll
    static void open() throws Exception {
        dataSource = dataSource(dir);
        new JdbcTemplate(dataSource).execute(Files.readString(Path.of("src/main/resources/schema.sql"),
                StandardCharsets.UTF_8));
        store = new EmbeddedDocumentStore(new JdbcTemplate(dataSource), new DataSourceTransactionManager(dataSource),
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
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.set(path, java.util.Map.of("v", 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1500").hasMessageNotContaining("xxxx");
        assertThat(store.get("tenants/t1/messages/SMshort")).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.runTransaction(t -> {
            t.merge(path, java.util.Map.of("v", 1));
            return null;
        })).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A merge of a document the transaction read builds on what it read: one locking read, not two
     * (H2 parses every {@code SELECT … FOR UPDATE} again). What the caller did to the map it was
     * handed is not merged, and a document deleted in the transaction is merged onto nothing.
     */
    @Test
    void aMergeOfADocumentTheTransactionReadDoesNotReadItAgain() {
        String path = "merge-after-read/" + java.util.UUID.randomUUID();
        store.set(path, java.util.Map.of("a", 1, "sub", java.util.Map.of("x", 1)));
        java.util.List<String> lockingReads = new java.util.concurrent.CopyOnWriteArrayList<>();
        JdbcTemplate counting = new JdbcTemplate(dataSource) {
            @Override
            public <T> java.util.List<T> queryForList(String sql, Class<T> elementType, Object... args) {
                if (sql.endsWith("FOR UPDATE")) {
                    lockingReads.add(sql);
                }
                return super.queryForList(sql, elementType, args);
            }
        };
        EmbeddedDocumentStore counted = new EmbeddedDocumentStore(counting, new DataSourceTransactionManager(dataSource),
                BootObjectMapper.create(), Clock.systemUTC());

        counted.runTransaction(tx -> {
            tx.get(path).orElseThrow().data().put("a", 99); // the caller's copy, not the document
            tx.merge(path, java.util.Map.of("b", 2, "sub", java.util.Map.of("y", 2)));
            return null;
        });
        assertThat(lockingReads).hasSize(1);
        assertThat(store.get(path).orElseThrow().data()).isEqualTo(java.util.Map.of("a", 1L, "b", 2L,
                "sub", java.util.Map.of("x", 1L, "y", 2L)));

        counted.runTransaction(tx -> {
            tx.get(path);
            tx.delete(path);
            tx.merge(path, java.util.Map.of("c", 3));
            return null;
        });
        assertThat(store.get(path).orElseThrow().data()).isEqualTo(java.util.Map.of("c", 3L));
    }

    @Test
    void documentsSurviveAReopenOfTheFile() {
        store.set("survivors/one", java.util.Map.of("v", "sigue aquí"));
        new JdbcTemplate(dataSource).execute("SHUTDOWN");
        DriverManagerDataSource reopened = dataSource(dir);
        EmbeddedDocumentStore again = new EmbeddedDocumentStore(new JdbcTemplate(reopened),
                new DataSourceTransactionManager(reopened), BootObjectMapper.create(), Clock.systemUTC());
        assertThat(again.get("survivors/one").orElseThrow().field("v")).isEqualTo("sigue aquí");
    }
}
