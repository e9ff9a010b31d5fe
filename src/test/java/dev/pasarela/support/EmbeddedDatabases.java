package dev.pasarela.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The embedded H2 database as the gateway opens it by default, in a test's directory, with the gateway's schema. */
public final class EmbeddedDatabases {

    private EmbeddedDatabases() {
    }

    /** A file database in {@code dir} with {@code schema.sql} applied; {@code SHUTDOWN} it when done. */
    public static DriverManagerDataSource open(Path dir) {
        DriverManagerDataSource dataSource = new DriverManagerDataSource(
                "jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000", "sa", "");
        try {
            new JdbcTemplate(dataSource).execute(Files.readString(Path.of("src/main/resources/schema.sql"),
                    StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dataSource;
    }
}
