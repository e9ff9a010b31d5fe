package dev.pasarela.store.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.firestore.FirestoreOptions;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.embedded.RocksDocumentStore;
import dev.pasarela.store.firestore.FirestoreDocumentStore;
import dev.pasarela.store.jdbc.JdbcDocumentStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.util.FileSystemUtils;

/**
 * Picks the store adapter: {@code pasarela.store.type} when set, otherwise Firestore as soon as
 * {@code FIREBASE_PROJECT_ID} or {@code FIRESTORE_EMULATOR_HOST} is present, otherwise embedded on
 * the embedded H2 datasource and jdbc on any other. {@code jdbc} keeps the documents in a table of
 * the configured datasource (PostgreSQL, for replicas without Firestore).
 */
@Configuration(proxyBeanMethods = false)
public class StoreConfiguration {

    private static final Logger log = LoggerFactory.getLogger(StoreConfiguration.class);

    @Bean(destroyMethod = "")
    DocumentStore documentStore(StoreProperties settings, Environment env, JdbcTemplate jdbc,
                                PlatformTransactionManager txManager, ObjectMapper json, Clock clock) {
        // the data directory from the environment: the store knows nothing of the gateway's config package
        Path storeDirectory = Path.of(env.getProperty("pasarela.data-dir", "./data"), "store");
        String projectId = env.getProperty("FIREBASE_PROJECT_ID", "");
        String emulator = env.getProperty("FIRESTORE_EMULATOR_HOST", "");
        String type = settings.type();
        String datasource = env.getProperty("spring.datasource.url", "");
        if (type.equals("auto")) {
            type = !projectId.isBlank() || !emulator.isBlank() ? "firestore"
                    // before the embedded store moved to RocksDB, it kept its documents in this database,
                    // shared by every gateway on it: a gateway on PostgreSQL keeps them there
                    : isEmbeddedH2(datasource) ? "embedded" : "jdbc";
        }
        switch (type) {
            case "embedded" -> {
                if (!isEmbeddedH2(datasource)) {
                    throw new StoreRefusedToStartException("PASARELA_STORE_TYPE=embedded keeps the documents in"
                            + " this gateway's own files, but the datasource is " + withoutParameters(datasource)
                            + ", which other gateways may share.", "Set PASARELA_STORE_TYPE=jdbc (or auto) to keep"
                            + " the documents in that database.");
                }
                return embedded(storeDirectory, settings.tableImport(), jdbc, json, clock);
            }
            case "jdbc" -> {
                if (Files.isDirectory(storeDirectory)) {
                    log.warn("Business data store: {} holds an embedded store, which the jdbc store does not read:"
                            + " documents written there are not in the database", storeDirectory);
                }
                log.info("Business data store: JDBC documents table in the configured datasource ({})",
                        withoutParameters(datasource));
                return new JdbcDocumentStore(jdbc, txManager, json, clock);
            }
            case "firestore" -> {
                return firestore(env, projectId, emulator, settings.timeoutMs());
            }
            // StoreProperties' validation reports any other value with the rest of the configuration
            default -> throw new IllegalStateException("pasarela.store.type not validated: " + type);
        }
    }

    /** H2 in this process: not a server other gateways reach (tcp, ssl, or a file shared by AUTO_SERVER). */
    private static boolean isEmbeddedH2(String datasourceUrl) {
        return datasourceUrl.startsWith("jdbc:h2:") && !datasourceUrl.startsWith("jdbc:h2:tcp:")
                && !datasourceUrl.startsWith("jdbc:h2:ssl:")
                && !datasourceUrl.toUpperCase(Locale.ROOT).replace(" ", "").contains("AUTO_SERVER=TRUE");
    }

    /**
     * A JDBC URL without what may hold credentials: what follows its database (H2's settings,
     * PostgreSQL's parameters) and a {@code user:password@} before its host.
     */
    private static String withoutParameters(String datasourceUrl) {
        return datasourceUrl.replaceAll(";.*|\\?.*", "").replaceAll("//[^/@]*@", "//");
    }

    /**
     * The embedded store in {@code ${pasarela.data-dir}/store}. On its first start it copies the
     * documents an earlier version kept in the datasource's {@code pasarela_documents} table, which
     * stays as it was (a version before this one, started again, reads it, not what was written
     * since; {@link DocumentsTableImport} refuses the next start of this one until told what to do).
     */
    private static RocksDocumentStore embedded(Path directory, String tableImport, JdbcTemplate jdbc, ObjectMapper json,
                                               Clock clock) {
        boolean existed = Files.exists(directory);
        boolean emptyBefore = isMissingOrEmpty(directory);
        RocksDocumentStore store = RocksDocumentStore.open(directory, json);
        try {
            new DocumentsTableImport(jdbc.getDataSource(), json, clock).run(store, tableImport);
        } catch (RuntimeException e) {
            RuntimeException failure = e instanceof StoreRefusedToStartException ? e
                    // the cause's kind only: a store error may name a document's path (a contact's number)
                    : new IllegalStateException("the embedded store's check or copy of the table pasarela_documents"
                            + " failed (" + e.getClass().getSimpleName() + ")", e);
            closeAndRemoveIfMadeForNothing(store, emptyBefore, existed, directory, failure);
            throw failure;
        }
        log.info("Business data store: embedded, in {}", directory);
        return store;
    }

    /** Nothing there yet: no store an operator restored. */
    private static boolean isMissingOrEmpty(Path directory) {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.findAny().isEmpty();
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            return false; // not read: kept whatever happens
        }
    }

    /**
     * A store this start made where nothing was, and left without the copy's mark (a refused check:
     * "store/ is missing", or a check or copy that failed), holds nothing to keep: it is removed, else
     * a backup restored into it would mix with its files, and a jdbc store would warn that it holds
     * documents. A directory that was there, empty, stays.
     */
    private static void closeAndRemoveIfMadeForNothing(RocksDocumentStore store, boolean emptyBefore, boolean existed,
                                                       Path directory, RuntimeException failure) {
        boolean forNothing = false;
        try {
            forNothing = emptyBefore && store.importMark().isEmpty();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        store.close();
        if (!forNothing) {
            return;
        }
        try {
            if (existed) {
                try (Stream<Path> files = Files.list(directory)) {
                    for (Path file : files.toList()) {
                        FileSystemUtils.deleteRecursively(file);
                    }
                }
            } else {
                FileSystemUtils.deleteRecursively(directory);
            }
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private FirestoreDocumentStore firestore(Environment env, String projectId, String emulator, long timeout) {
        if (projectId.isBlank()) {
            if (emulator.isBlank()) {
                throw new IllegalStateException("FIREBASE_PROJECT_ID is required for the firestore store");
            }
            projectId = "demo-pasarela"; // the emulator accepts any demo- project
        }
        FirestoreOptions.Builder options = FirestoreOptions.newBuilder().setProjectId(projectId);
        if (!emulator.isBlank()) {
            options.setEmulatorHost(emulator); // the client then uses the emulator's own credentials
            log.info("Business data store: Firestore emulator at {} (project {})", emulator, projectId);
        } else {
            options.setCredentials(credentials(env));
            log.info("Business data store: Firestore (project {})", projectId);
        }
        return new FirestoreDocumentStore(options.build().getService(), timeout);
    }

    /** FIREBASE_CLIENT_EMAIL + FIREBASE_PRIVATE_KEY when given, else Application Default Credentials. */
    static GoogleCredentials credentials(Environment env) {
        String email = env.getProperty("FIREBASE_CLIENT_EMAIL", "");
        String key = env.getProperty("FIREBASE_PRIVATE_KEY", "");
        try {
            if (!email.isBlank() || !key.isBlank()) {
                if (email.isBlank() || key.isBlank()) {
                    throw new IllegalStateException(
                            "FIREBASE_CLIENT_EMAIL and FIREBASE_PRIVATE_KEY must be set together");
                }
                // env files often carry the PEM with literal \n sequences
                String pem = key.replace("\\n", "\n");
                return ServiceAccountCredentials.fromPkcs8(null, email, pem, null,
                        List.of("https://www.googleapis.com/auth/datastore"));
            }
            return GoogleCredentials.getApplicationDefault();
        } catch (IOException e) {
            throw new IllegalStateException("FIREBASE_PRIVATE_KEY is not a valid PKCS#8 PEM key"
                    + " (or no application default credentials): " + e.getClass().getSimpleName(), e);
        }
    }

    @Bean
    HealthIndicator storeHealthIndicator(DocumentStore store) {
        return () -> {
            try {
                store.ping();
                return Health.up().withDetail("kind", store.kind()).build();
            } catch (RuntimeException e) {
                return Health.down().withDetail("kind", store.kind()).withDetail("error", e.getClass().getSimpleName()).build();
            }
        };
    }
}
