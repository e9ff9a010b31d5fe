package dev.pasarela.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pasarela.store.jdbc.JdbcExpiringKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

class JdbcExpiringKeysTest extends ExpiringKeysContract {

    static DriverManagerDataSource ds;

    @BeforeAll
    static void table() throws Exception {
        ds = new DriverManagerDataSource("jdbc:h2:mem:keys-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        String schema = Files.readString(Path.of("src/main/resources/schema.sql"), StandardCharsets.UTF_8);
        String table = schema.substring(schema.indexOf("CREATE TABLE IF NOT EXISTS CAMEL_MESSAGEPROCESSED"));
        new JdbcTemplate(ds).execute(table.substring(0, table.indexOf(';')));
    }

    @Override
    protected ExpiringKeys keys() {
        return new JdbcExpiringKeys(ds, "CAMEL_MESSAGEPROCESSED", "set-" + UUID.randomUUID());
    }

    /** A key the column cannot hold is refused alone, without its text in the reason. */
    @Test
    void aKeyTooLongIsRefusedAloneAndTheOthersAreAdded() {
        ExpiringKeys keys = keys();
        String fresh = key();
        String tooLong = "stripe:evt_" + "k".repeat(600);
        List<ExpiringKeys.Outcome> outcomes = keys.addAll(List.of(fresh, tooLong), T0);
        assertThat(outcomes.get(0)).isEqualTo(ExpiringKeys.Outcome.ADDED);
        assertThat(outcomes.get(1).added()).isFalse();
        assertThat(outcomes.get(1).refused()).isInstanceOf(StoreUnavailableException.class)
                .hasMessageNotContaining("kkkk");
        assertThat(keys.contains(fresh)).isTrue();
        assertThatThrownBy(() -> keys.add(tooLong, T0)).isInstanceOf(StoreUnavailableException.class);
    }

    /** No connection: the whole call fails once, rather than once per key. */
    @Test
    void aDatabaseThatCannotBeReachedFailsTheWholeCall() {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        javax.sql.DataSource gone = new org.springframework.jdbc.datasource.DelegatingDataSource(ds) {
            @Override
            public java.sql.Connection getConnection() throws java.sql.SQLException {
                asked.incrementAndGet();
                throw new java.sql.SQLTransientConnectionException("connection refused", "08001");
            }
        };
        ExpiringKeys keys = new JdbcExpiringKeys(gone, "CAMEL_MESSAGEPROCESSED", "webhooks");
        assertThatThrownBy(() -> keys.addAll(List.of(key(), key(), key()), T0))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(asked).hasValue(1);
    }

    /**
     * The connection breaks during the one-by-one inserts after a failed batch: the keys committed
     * before are told as they were, the rest refused, and nothing is thrown.
     */
    @Test
    void aConnectionThatBreaksDuringTheOneByOneInsertsRefusesOnlyTheKeysLeft() {
        String known = key();
        String first = key();
        String last = key();
        String name = "set-" + UUID.randomUUID();
        new JdbcExpiringKeys(ds, "CAMEL_MESSAGEPROCESSED", name).add(known, T0);
        java.util.concurrent.atomic.AtomicInteger rollbacks = new java.util.concurrent.atomic.AtomicInteger();
        javax.sql.DataSource breaking = new org.springframework.jdbc.datasource.DelegatingDataSource(ds) {
            @Override
            public java.sql.Connection getConnection() throws java.sql.SQLException {
                java.sql.Connection real = super.getConnection();
                return (java.sql.Connection) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {java.sql.Connection.class}, (proxy, method, args) -> {
                            // the batch's rollback passes; the next one (the known key's) finds the connection gone
                            if (method.getName().equals("rollback") && rollbacks.incrementAndGet() > 1) {
                                throw new java.sql.SQLNonTransientConnectionException("connection reset", "08006");
                            }
                            try {
                                return method.invoke(real, args);
                            } catch (java.lang.reflect.InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
            }
        };
        List<ExpiringKeys.Outcome> outcomes = new JdbcExpiringKeys(breaking, "CAMEL_MESSAGEPROCESSED", name)
                .addAll(List.of(first, known, last), T0);
        assertThat(outcomes.get(0)).isEqualTo(ExpiringKeys.Outcome.ADDED);
        assertThat(outcomes.get(1).refused()).isInstanceOf(StoreUnavailableException.class);
        assertThat(outcomes.get(2).refused()).isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void aTableNameIsCheckedBeforeItIsWrittenIntoSql() {
        assertThatThrownBy(() -> new JdbcExpiringKeys(ds, "T; DROP TABLE X", "webhooks"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
