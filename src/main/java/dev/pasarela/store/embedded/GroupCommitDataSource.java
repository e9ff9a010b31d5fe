package dev.pasarela.store.embedded;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Group commit for the embedded H2 database in file mode. H2 writes a commit to its file in the
 * committing thread when {@code WRITE_DELAY=0}, serialising every B-tree page the commit changed:
 * concurrent commits each write their own copy of the pages they share (the table's last leaf, the
 * indexes' upper pages, the undo log). Here the database is opened with a write delay, so a commit
 * only changes the maps in memory, and this data source returns from every commit, and every write
 * in auto-commit mode, only after a {@code CHECKPOINT} that began after it: the same file write H2
 * did per commit, now one for all the commits that arrived while the previous one ran
 * ({@link GroupFlush}). What a caller is told is committed is in the file, as before; a
 * {@code kill -9} loses nothing acknowledged.
 *
 * <p>As before, other sessions may read a commit before it is in the file (H2 marks it committed,
 * then writes): the window is now up to one flush longer.
 */
public final class GroupCommitDataSource extends DelegatingDataSource {

    private static final Set<String> WRITES = Set.of("execute", "executeUpdate", "executeLargeUpdate",
            "executeBatch", "executeLargeBatch");

    private final GroupFlush flush = new GroupFlush();

    public GroupCommitDataSource(DataSource h2File) {
        super(h2File);
    }

    /** The flushes and the commits they served, for the operators' metrics. */
    public GroupFlush groupFlush() {
        return flush;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(obtainTargetDataSource().getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return wrap(obtainTargetDataSource().getConnection(username, password));
    }

    private Connection wrap(Connection raw) throws SQLException {
        return (Connection) Proxy.newProxyInstance(GroupCommitDataSource.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new Committing(raw, raw.getAutoCommit()));
    }

    /** The file write of everything committed so far, on the committer's own connection. */
    private static void checkpoint(Connection raw) throws SQLException {
        try (Statement s = raw.createStatement()) {
            s.execute("CHECKPOINT");
        }
    }

    private static Object call(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** A connection whose commits return once written. */
    private final class Committing implements InvocationHandler {
        private final Connection raw;
        private boolean autoCommit;
        /** A write since the last commit or rollback, in a transaction. */
        private boolean uncommitted;

        Committing(Connection raw, boolean autoCommit) {
            this.raw = raw;
            this.autoCommit = autoCommit;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "commit" -> {
                    call(method, raw, args);
                    if (uncommitted) {
                        uncommitted = false;
                        flush.awaitDurable(() -> checkpoint(raw));
                    }
                    return null;
                }
                case "rollback" -> {
                    Object result = call(method, raw, args);
                    if (args == null || args.length == 0) {
                        uncommitted = false;
                    }
                    return result;
                }
                case "setAutoCommit" -> {
                    call(method, raw, args);
                    boolean on = (Boolean) args[0];
                    if (on && !autoCommit && uncommitted) { // JDBC: switching it on commits
                        uncommitted = false;
                        flush.awaitDurable(() -> checkpoint(raw));
                    }
                    autoCommit = on;
                    return null;
                }
                case "createStatement", "prepareStatement", "prepareCall" -> {
                    Statement statement = (Statement) call(method, raw, args);
                    return Proxy.newProxyInstance(GroupCommitDataSource.class.getClassLoader(),
                            new Class<?>[] {method.getReturnType()}, new Writing(statement, (Connection) proxy, this));
                }
                case "unwrap" -> {
                    return ((Class<?>) args[0]).isInstance(proxy) ? proxy : call(method, raw, args);
                }
                case "isWrapperFor" -> {
                    return ((Class<?>) args[0]).isInstance(proxy) || (Boolean) call(method, raw, args);
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "toString" -> {
                    return "group-committing " + raw;
                }
                default -> {
                    return call(method, raw, args);
                }
            }
        }

        /** After a write: in auto-commit mode it is committed, so written before the caller goes on. */
        void wrote() throws SQLException {
            if (autoCommit) {
                flush.awaitDurable(() -> checkpoint(raw));
            } else {
                uncommitted = true;
            }
        }
    }

    /** A statement whose writes the connection hears of. */
    private record Writing(Statement raw, Connection connection, Committing committing) implements InvocationHandler {

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (WRITES.contains(name)) {
                Object result = call(method, raw, args);
                committing.wrote();
                return result;
            }
            return switch (name) {
                case "getConnection" -> connection;
                case "unwrap" -> ((Class<?>) args[0]).isInstance(proxy) ? proxy : call(method, raw, args);
                case "isWrapperFor" -> ((Class<?>) args[0]).isInstance(proxy) || (Boolean) call(method, raw, args);
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                case "toString" -> raw.toString();
                default -> call(method, raw, args);
            };
        }
    }
}
