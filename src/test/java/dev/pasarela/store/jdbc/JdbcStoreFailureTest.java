package dev.pasarela.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pasarela.store.StoreUnavailableException;
import dev.pasarela.support.BootObjectMapper;
import java.sql.SQLException;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A database's message may quote a value it refused, a document's path with a contact's number
 * say: a store failure is said by its kind only. (H2's and PostgreSQL's refusals that quote values
 * are integrity violations, run again as conflicts; this pins the wording for the others.)
 */
class JdbcStoreFailureTest {

    @Test
    void aFailureIsSaidByItsSqlStateAndClassNotByTheValuesQuoted() {
        SQLException quoting = new SQLException("Value not accepted: 'tenants/t1/conversations/whatsapp:+34600111222'",
                "XX000");
        assertThat(JdbcDocumentStore.failure(new UncategorizedSQLException("set", "INSERT …", quoting)))
                .isEqualTo("SQLState XX000 (SQLException)");
        assertThat(JdbcDocumentStore.failure(new DataAccessResourceFailureException("closed",
                new IllegalStateException("closed while writing tenants/t1/conversations/whatsapp:+34600111222"))))
                .isEqualTo("IllegalStateException");
    }

    /** Through the store: a database without the documents' table refuses a read, said by its kind. */
    @Test
    void aReadTheDatabaseRefusesIsSaidByItsKind() {
        DriverManagerDataSource empty = new DriverManagerDataSource("jdbc:h2:mem:no-table-" + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1", "sa", "");
        JdbcDocumentStore store = new JdbcDocumentStore(new JdbcTemplate(empty), new DataSourceTransactionManager(empty),
                BootObjectMapper.create(), Clock.systemUTC());
        assertThatThrownBy(() -> store.get("tenants/t1/conversations/whatsapp:+34600111222"))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessage("jdbc store failed: SQLState 42S04 (JdbcSQLSyntaxErrorException)");
    }
}
