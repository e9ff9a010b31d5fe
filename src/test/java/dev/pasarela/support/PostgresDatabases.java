package dev.pasarela.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Throw-away databases on the machine's PostgreSQL (127.0.0.1:5432, user postgres, trust; the
 * server is {@code -Dpasarela.test.postgres-server=host:port}), e.g. a broker pair's JDBC store.
 */
public final class PostgresDatabases {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    private PostgresDatabases() {}

    /** The server's host:port. */
    public static String server() {
        return System.getProperty("pasarela.test.postgres-server", "127.0.0.1:5432");
    }

    public static String user() {
        return System.getProperty("pasarela.test.postgres-user", "postgres");
    }

    /** The JDBC URL of a database on {@link #server()}: no parameters, so broker.xml can take it. */
    public static String url(String database) {
        return "jdbc:postgresql://" + server() + "/" + database;
    }

    /** Creates an empty database named {@code prefix} plus a random suffix; returns its name. */
    public static String create(String prefix) throws SQLException {
        String name = (prefix + "_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()))
                .toLowerCase(java.util.Locale.ROOT);
        check(name);
        admin("CREATE DATABASE " + name);
        return name;
    }

    /** Drops the database, closing whatever sessions (a killed broker's, say) still hold it. */
    public static void drop(String name) throws SQLException {
        check(name);
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private static void check(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
    }

    private static void admin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url("postgres"), user(), "");
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
