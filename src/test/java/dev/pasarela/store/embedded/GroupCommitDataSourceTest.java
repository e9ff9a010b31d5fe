package dev.pasarela.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * What a committer was told is committed is in the file: each case commits through the data source,
 * then has H2 stop at once without writing anything ({@code SHUTDOWN IMMEDIATELY}, as a
 * {@code kill -9} would) and opens the database again. H2's own writer is held off for a minute.
 */
class GroupCommitDataSourceTest {

    @TempDir
    Path dir;
    DriverManagerDataSource h2;
    GroupCommitDataSource grouped;

    @BeforeEach
    void open() throws SQLException {
        h2 = new DriverManagerDataSource("jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=60000;DB_CLOSE_DELAY=-1",
                "sa", ""); // open until SHUTDOWN, as the pool keeps it; else its last connection's close writes it
        grouped = new GroupCommitDataSource(h2);
        try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))");
            s.execute("CHECKPOINT");
        }
    }

    @AfterEach
    void close() throws SQLException {
        try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        }
    }

    void insertInATransaction(DataSource dataSource, int id) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO t VALUES (?, 'x')")) {
                p.setInt(1, id);
                p.executeUpdate();
            }
            c.commit();
        }
    }

    /** The rows left after H2 stopped without writing; the database is open again afterwards. */
    List<Integer> rowsAfterAnAbruptStop() throws SQLException {
        try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN IMMEDIATELY");
        }
        List<Integer> rows = new ArrayList<>();
        try (Connection c = h2.getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT id FROM t ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getInt(1));
            }
        }
        return rows;
    }

    @Test
    void withoutItACommitIsLostToAnAbruptStop() throws SQLException {
        insertInATransaction(h2, 1);
        assertThat(rowsAfterAnAbruptStop()).as("the control: these settings alone lose a commit").isEmpty();
    }

    @Test
    void aCommitSurvivesAnAbruptStop() throws SQLException {
        insertInATransaction(grouped, 1);
        assertThat(rowsAfterAnAbruptStop()).containsExactly(1);
    }

    @Test
    void anAutoCommittedWriteSurvives() throws SQLException {
        try (Connection c = grouped.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO t VALUES (1, 'x')");
        }
        try (Connection c = grouped.getConnection(); PreparedStatement p = c.prepareStatement("UPDATE t SET v = ?")) {
            p.setString(1, "y");
            p.executeUpdate();
        }
        assertThat(rowsAfterAnAbruptStop()).containsExactly(1);
        try (Connection c = h2.getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT v FROM t")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("y");
        }
    }

    @Test
    void switchingAutoCommitOnCommitsAndSurvives() throws SQLException {
        try (Connection c = grouped.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO t VALUES (1, 'x')");
            }
            c.setAutoCommit(true);
        }
        assertThat(rowsAfterAnAbruptStop()).containsExactly(1);
    }

    @Test
    void readsAndRollbacksWaitForNoWrite() throws SQLException {
        insertInATransaction(grouped, 1);
        long flushes = grouped.groupFlush().flushes();
        try (Connection c = grouped.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT v FROM t WHERE id = 1 FOR UPDATE").close();
            }
            c.commit();
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO t VALUES (2, 'x')");
            }
            c.rollback();
            c.setAutoCommit(true);
        }
        assertThat(grouped.groupFlush().flushes()).isEqualTo(flushes);
        assertThat(rowsAfterAnAbruptStop()).containsExactly(1);
    }

    @Test
    void concurrentCommitsAllSurvive() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int first = t * 50;
                done.add(threads.submit(() -> {
                    for (int id = first; id < first + 50; id++) {
                        insertInATransaction(grouped, id);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(grouped.groupFlush().callers()).isEqualTo(800);
        assertThat(rowsAfterAnAbruptStop()).hasSize(800);
    }

    @Test
    void statementsAndConnectionsAnswerForTheWrapper() throws SQLException {
        try (Connection c = grouped.getConnection(); Statement s = c.createStatement()) {
            assertThat(s.getConnection()).isSameAs(c);
            assertThat(c.unwrap(Connection.class)).isSameAs(c);
            assertThat(c.isWrapperFor(org.h2.jdbc.JdbcConnection.class)).isTrue();
            assertThat(c.unwrap(org.h2.jdbc.JdbcConnection.class)).isNotNull();
        }
    }
}
