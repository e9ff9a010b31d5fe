package dev.pasarela.store.jdbc;

import dev.pasarela.store.ExpiringKeys;
import dev.pasarela.store.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    private static final Logger log = LoggerFactory.getLogger(JdbcExpiringKeys.class);
    /** PostgreSQL: no unique constraint matches an ON CONFLICT's columns. */
    private static final String NO_MATCHING_KEY = "42P10";
    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final DataSource dataSource;
    private final JdbcTemplate jdbc;
    private final String name;
    private final String insert;
    /**
     * PostgreSQL's insert of a list of keys in one statement, skipping those already there and returning
     * those it added: a list holding a known key still commits once, whatever the driver's batch settings.
     */
    private final String insertNew;
    /** Whether {@link #insertNew} is used: on PostgreSQL, until the table is found without its primary key. */
    private volatile Boolean insertsNew;
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
        this.insertNew = "INSERT INTO " + table + " (processorName, messageId, createdAt) SELECT ?, k, ? FROM unnest(?) AS k"
                + " ON CONFLICT (processorName, messageId) DO NOTHING RETURNING messageId";
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
     * The keys in one statement batch and one commit. On PostgreSQL the keys are one statement that
     * skips those already there and returns those it added, so a list holding one (a provider's retry
     * another replica took) still commits once. When the batch fails (elsewhere a key already there, which the
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
                if (insertsNew(connection)) {
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
     * The keys not there yet inserted in one statement and one commit, each told by whether the insert
     * returned it (the first of a key twice in the list is added, the second present); null, rolled back,
     * when the statement fails (a key too long for the column), for the keys to be added one by one.
     */
    private List<Outcome> insertNew(Connection connection, List<String> keys, Timestamp at) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(insertNew)) {
            statement.setString(1, name);
            statement.setTimestamp(2, at);
            statement.setArray(3, connection.createArrayOf("varchar", keys.toArray()));
            Set<String> added = new HashSet<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    added.add(rows.getString(1));
                }
            }
            connection.commit();
            List<Outcome> outcomes = new ArrayList<>(keys.size());
            for (String key : keys) {
                outcomes.add(added.remove(key) ? Outcome.ADDED : Outcome.PRESENT);
            }
            return outcomes;
        } catch (SQLException e) {
            connection.rollback();
            if (NO_MATCHING_KEY.equals(e.getSQLState())) { // a table made before ours, without the primary key
                insertsNew = false;
                log.warn("The key table has no primary key on (processorName, messageId): a batch of keys holding one"
                        + " already there is added one key and one commit at a time; give the table that key to add it at once");
            }
            return null;
        }
    }

    private boolean insertsNew(Connection connection) throws SQLException {
        Boolean known = insertsNew;
        if (known == null) {
            known = "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName());
            insertsNew = known;
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
