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

    /** The primary key refuses the whole batch: none of it is kept, and the caller adds each alone. */
    @Test
    void aBatchWithAKeyAlreadyThereIsRefusedWhole() {
        ExpiringKeys keys = keys();
        String known = key();
        String fresh = key();
        keys.add(known, T0);
        assertThatThrownBy(() -> keys.addAll(List.of(fresh, known), T0))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageNotContaining(known.substring(7));
        assertThat(keys.contains(fresh)).isFalse();
    }

    @Test
    void aTableNameIsCheckedBeforeItIsWrittenIntoSql() {
        assertThatThrownBy(() -> new JdbcExpiringKeys(ds, "T; DROP TABLE X", "webhooks"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
