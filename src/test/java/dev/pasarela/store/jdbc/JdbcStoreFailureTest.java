package dev.pasarela.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.UncategorizedSQLException;

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
}
