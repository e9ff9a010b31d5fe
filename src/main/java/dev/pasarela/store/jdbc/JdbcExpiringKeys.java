package dev.pasarela.store.jdbc;

import dev.pasarela.store.ExpiringKeys;
import dev.pasarela.store.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A set of expiring keys in a table shaped like Camel's {@code CAMEL_MESSAGEPROCESSED}
 * ({@code processorName}, {@code messageId}, {@code createdAt}, the first two its primary key): one
 * set per processor name. For a datasource several gateways share (PostgreSQL), and for the
 * embedded H2 when the documents are in Firestore.
 */
public final class JdbcExpiringKeys implements ExpiringKeys {

    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final DataSource dataSource;
    private final JdbcTemplate jdbc;
    private final String name;
    private final String insert;
    /** PostgreSQL's insert that skips a key already there: a batch with such a key still commits once. */
    private final String insertNew;
    private volatile Boolean postgres;
    private final String count;
    private final String delete;
    private final String deleteOlder;
    private final String any;

    public JdbcExpiringKeys(DataSource dataSource, String table, String name) {
        if (!TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException("not a table name: " + table);
        }
        this.dataSource = dataSource;
        this.jdbc = new JdbcTemplate(dataSource);
        this.name = name;
        this.insert = "INSERT INTO " + table + " (processorName, messageId, createdAt) VALUES (?, ?, ?)";
        this.insertNew = insert + " ON CONFLICT (processorName, messageId) DO NOTHING";
        this.count = "SELECT COUNT(*) FROM " + table + " WHERE processorName = ? AND messageId = ?";
        this.delete = "DELETE FROM " + table + " WHERE processorName = ? AND messageId = ?";
        this.deleteOlder = "DELETE FROM " + table + " WHERE processorName = ? AND createdAt < ?";
        this.any = "SELECT 1 FROM " + table + " WHERE processorName = ? LIMIT 1";
    }

    /** One indexed query on an auto-commit connection: no begin and commit around it. */
    @Override
    public boolean contains(String key) {
        return translated(() -> jdbc.queryForObject(count, Integer.class, name, key) > 0);
    }

    /**
     * The keys in one statement batch and one commit. On PostgreSQL a key already there is skipped by
     * the insert itself and told by its row count, so a batch holding one (a provider's retry another
     * replica took) still commits once. When the batch fails (elsewhere a key already there, which the
     * primary key refuses; anywhere one too long for the column), it is rolled back and each key
     * inserted alone on the same connection, so that a key fails only itself. Only a connection that
     * cannot be had, or that fails its transaction's set-up, fails the whole call.
     */
    @Override
    public List<Outcome> addAll(List<String> keys, Instant addedAt) {
        Timestamp at = Timestamp.from(addedAt);
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                if (postgres(connection)) {
                    List<Outcome> outcomes = insertNew(connection, keys, at);
                    if (outcomes != null) {
                        return outcomes;
                    }
                } else if (insertAll(connection, keys, at)) {
                    return Collections.nCopies(keys.size(), Outcome.ADDED);
                }
                List<Outcome> outcomes = new ArrayList<>(keys.size());
                for (String key : keys) {
                    try {
                        outcomes.add(insertOne(connection, key, at));
                    } catch (SQLException broken) { // its rollback failed: the connection is gone
                        RuntimeException reason = unavailable(broken);
                        while (outcomes.size() < keys.size()) { // those already committed stay as told
                            outcomes.add(Outcome.refused(reason));
                        }
                        break; // the keys left are told: none is tried on the broken connection
                    }
                }
                return outcomes;
            } finally {
                try {
                    connection.setAutoCommit(autoCommit);
                } catch (SQLException ignored) {
                    // a broken connection: the pool discards it; what was written was told above
                }
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private boolean insertAll(Connection connection, List<String> keys, Timestamp at) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(insert)) {
            for (String key : keys) {
                bind(statement, key, at);
                statement.addBatch();
            }
            statement.executeBatch();
            connection.commit();
            return true;
        } catch (SQLException e) {
            connection.rollback();
            return false;
        }
    }

    /**
     * The keys not there yet inserted in one batch and one commit, each told by its row count (0: it
     * was there); null, rolled back, when the batch fails or its driver does not count rows per key
     * ({@code reWriteBatchedInserts}), for the keys to be added one by one.
     */
    private List<Outcome> insertNew(Connection connection, List<String> keys, Timestamp at) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(insertNew)) {
            for (String key : keys) {
                bind(statement, key, at);
                statement.addBatch();
            }
            int[] rows = statement.executeBatch();
            List<Outcome> outcomes = new ArrayList<>(keys.size());
            for (int count : rows) {
                if (count < 0) {
                    connection.rollback();
                    return null;
                }
                outcomes.add(count > 0 ? Outcome.ADDED : Outcome.PRESENT);
            }
            if (outcomes.size() != keys.size()) {
                connection.rollback();
                return null;
            }
            connection.commit();
            return outcomes;
        } catch (SQLException e) {
            connection.rollback();
            return null;
        }
    }

    private boolean postgres(Connection connection) throws SQLException {
        Boolean known = postgres;
        if (known == null) {
            known = "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName());
            postgres = known;
        }
        return known;
    }

    private Outcome insertOne(Connection connection, String key, Timestamp at) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(insert)) {
            bind(statement, key, at);
            statement.executeUpdate();
            connection.commit();
            return Outcome.ADDED;
        } catch (SQLException e) {
            connection.rollback();
            return uniqueViolation(e) ? Outcome.PRESENT : Outcome.refused(unavailable(e));
        }
    }

    @Override
    public boolean remove(String key) {
        return translated(() -> jdbc.update(delete, name, key) > 0);
    }

    @Override
    public long forgetAddedBefore(Instant cutoff) {
        return translated(() -> (long) jdbc.update(deleteOlder, name, Timestamp.from(cutoff)));
    }

    @Override
    public boolean isEmpty() {
        return translated(() -> jdbc.query(any, rs -> !rs.next(), name));
    }

    /** Spring's translation, or the SQLSTATE 23505 (H2, PostgreSQL) it translates from. */
    public static boolean uniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DuplicateKeyException
                    || t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private void bind(PreparedStatement statement, String key, Timestamp at) throws SQLException {
        statement.setString(1, name);
        statement.setString(2, key);
        statement.setTimestamp(3, at);
    }

    private static <T> T translated(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (DataAccessException e) {
            throw unavailable(e);
        }
    }

    /** The cause's kind in the message, not its text: a database's message may quote the key. */
    private static StoreUnavailableException unavailable(Exception e) {
        return new StoreUnavailableException("key table failed (" + e.getClass().getSimpleName() + ")", e);
    }
}
