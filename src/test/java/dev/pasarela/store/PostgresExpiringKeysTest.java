package dev.pasarela.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.store.jdbc.JdbcExpiringKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The table's key sets on the machine's PostgreSQL (where replicas keep the webhooks' event ids), in a
 * schema of its own that is dropped afterwards: a list of keys holding a known one is one statement
 * that skips it; PostgreSQL aborts a transaction at its first failed statement, so a list that fails
 * (a key too long) must be rolled back before its keys are added one by one.
 */
class PostgresExpiringKeysTest extends ExpiringKeysContract {

    static final String SCHEMA = "pasarela_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    static DriverManagerDataSource dataSource;

    @BeforeAll
    static void open() throws Exception {
        String url = System.getProperty("pasarela.test.postgres-url", "jdbc:postgresql://127.0.0.1:5432/postgres");
        String user = System.getProperty("pasarela.test.postgres-user", "postgres");
        new JdbcTemplate(new DriverManagerDataSource(url, user, "")).execute("CREATE SCHEMA " + SCHEMA);
        dataSource = new DriverManagerDataSource(url + "?currentSchema=" + SCHEMA, user, "");
        new JdbcTemplate(dataSource).execute(Files.readString(Path.of("src/main/resources/schema.sql"),
                StandardCharsets.UTF_8));
    }

    @AfterAll
    static void drop() {
        if (dataSource != null) {
            new JdbcTemplate(dataSource).execute("DROP SCHEMA " + SCHEMA + " CASCADE");
        }
    }

    /** The transactions that wrote a set's keys but one: the rows a transaction writes carry its id. */
    private static int transactionsThatAdded(String name, String butKey) {
        return new JdbcTemplate(dataSource).queryForObject(
                "SELECT COUNT(DISTINCT xmin::text) FROM CAMEL_MESSAGEPROCESSED WHERE processorName = ? AND messageId <> ?",
                Integer.class, name, butKey);
    }

    @Override
    protected ExpiringKeys keys() {
        return new JdbcExpiringKeys(dataSource, "CAMEL_MESSAGEPROCESSED", "set-" + UUID.randomUUID());
    }

    @Test
    void aBatchHoldingAKeyAlreadyThereAddsTheOthersInOneTransaction() {
        String name = "set-" + UUID.randomUUID();
        ExpiringKeys keys = new JdbcExpiringKeys(dataSource, "CAMEL_MESSAGEPROCESSED", name);
        String known = key();
        keys.addAll(List.of(known), T0);
        List<String> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            batch.add(key());
        }
        batch.add(7, known);
        List<ExpiringKeys.Outcome> outcomes = keys.addAll(batch, T0);
        assertThat(outcomes.get(7)).isEqualTo(ExpiringKeys.Outcome.PRESENT);
        assertThat(outcomes).filteredOn(o -> o == ExpiringKeys.Outcome.ADDED).hasSize(20);
        // one commit, not one per key after the known one
        assertThat(transactionsThatAdded(name, known)).isEqualTo(1);
    }

    @Test
    void onATableWithoutThePrimaryKeyTheKeysAreAddedOneByOne() {
        String table = "keys_without_pk_" + SCHEMA.substring(SCHEMA.length() - 6);
        new JdbcTemplate(dataSource).execute("CREATE TABLE " + table
                + " (processorName VARCHAR(255) NOT NULL, messageId VARCHAR(512) NOT NULL, createdAt TIMESTAMP NOT NULL)");
        ExpiringKeys keys = new JdbcExpiringKeys(dataSource, table, "set-" + UUID.randomUUID());
        String a = key();
        String b = key();
        assertThat(keys.addAll(List.of(a, b), T0)).containsOnly(ExpiringKeys.Outcome.ADDED);
        assertThat(keys.addAll(List.of(key()), T0)).containsOnly(ExpiringKeys.Outcome.ADDED);
        assertThat(keys.contains(a) && keys.contains(b)).isTrue();
    }

    @Test
    void theDriversRewrittenBatchesChangeNothing() {
        DriverManagerDataSource rewriting = new DriverManagerDataSource(dataSource.getUrl() + "&reWriteBatchedInserts=true",
                dataSource.getUsername(), "");
        String name = "set-" + UUID.randomUUID();
        ExpiringKeys keys = new JdbcExpiringKeys(rewriting, "CAMEL_MESSAGEPROCESSED", name);
        String known = key();
        keys.addAll(List.of(known), T0);
        List<String> batch = new java.util.ArrayList<>(List.of(key(), known, key()));
        batch.add(batch.get(0)); // twice in one list: the second is present
        assertThat(keys.addAll(batch, T0)).containsExactly(ExpiringKeys.Outcome.ADDED, ExpiringKeys.Outcome.PRESENT,
                ExpiringKeys.Outcome.ADDED, ExpiringKeys.Outcome.PRESENT);
        assertThat(transactionsThatAdded(name, known)).isEqualTo(1);
    }

    @Test
    void aKeyTooLongIsRefusedAloneAndTheOthersAreAdded() {
        ExpiringKeys keys = keys();
        String fresh = key();
        List<ExpiringKeys.Outcome> outcomes = keys.addAll(List.of("stripe:evt_" + "k".repeat(600), fresh), T0);
        assertThat(outcomes.get(0).refused()).isInstanceOf(StoreUnavailableException.class);
        assertThat(outcomes.get(1)).isEqualTo(ExpiringKeys.Outcome.ADDED);
        assertThat(keys.contains(fresh)).isTrue();
    }
}
