package dev.pasarela.pipeline.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.store.ExpiringKeys;
import dev.pasarela.store.embedded.RocksDocumentStore;
import dev.pasarela.store.jdbc.JdbcExpiringKeys;
import dev.pasarela.support.BootObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** An earlier version's event ids, in the database's table, still count until they expire there. */
class KeysMovedFromTableTest {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    @TempDir
    Path dir;
    private RocksDocumentStore store;
    private JdbcTemplate jdbc;
    private ExpiringKeys table;

    @BeforeEach
    void open() throws Exception {
        store = RocksDocumentStore.open(dir.resolve("store"), BootObjectMapper.create());
        DriverManagerDataSource ds = new DriverManagerDataSource("jdbc:h2:mem:moved-" + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1", "sa", "");
        String schema = Files.readString(Path.of("src/main/resources/schema.sql"), StandardCharsets.UTF_8);
        String ddl = schema.substring(schema.indexOf("CREATE TABLE IF NOT EXISTS CAMEL_MESSAGEPROCESSED"));
        jdbc = new JdbcTemplate(ds);
        jdbc.execute(ddl.substring(0, ddl.indexOf(';')));
        table = new JdbcExpiringKeys(ds, "CAMEL_MESSAGEPROCESSED", "webhooks");
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void theTableIsReadUntilAPurgeEmptiesItAndNewKeysGoToTheStore() {
        table.add("stripe:evt_before", T0);
        table.add("stripe:evt_before_recent", T0.plus(Duration.ofDays(2)));
        KeysMovedFromTable keys = new KeysMovedFromTable(store.expiringKeys("webhooks").orElseThrow(), table);
        assertThat(keys.readsEarlier()).isTrue();
        assertThat(keys.contains("stripe:evt_before")).isTrue();
        assertThat(keys.add("stripe:evt_after", T0.plus(Duration.ofDays(1)))).isTrue();
        assertThat(table.contains("stripe:evt_after")).isFalse();
        assertThat(keys.contains("stripe:evt_after")).isTrue();

        // the store's key and the table's older one go; the table's recent one keeps it read
        assertThat(keys.forgetAddedBefore(T0.plus(Duration.ofDays(1)).plusMillis(1))).isEqualTo(2);
        assertThat(keys.readsEarlier()).isTrue();
        assertThat(keys.contains("stripe:evt_before_recent")).isTrue();

        assertThat(keys.forgetAddedBefore(T0.plus(Duration.ofDays(3)))).isEqualTo(1);
        assertThat(keys.readsEarlier()).isFalse();
        assertThat(keys.isEmpty()).isTrue();
        // no longer read: a row put there now (an older version started on the same data) is not seen
        table.add("stripe:evt_older_version", T0);
        assertThat(keys.contains("stripe:evt_older_version")).isFalse();
    }

    @Test
    void aNewInstallationNeverReadsTheTable() {
        KeysMovedFromTable keys = new KeysMovedFromTable(store.expiringKeys("webhooks").orElseThrow(), table);
        assertThat(keys.readsEarlier()).isFalse();
        assertThat(keys.add("stripe:evt_1", T0)).isTrue();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED", Integer.class)).isZero();
    }
}
