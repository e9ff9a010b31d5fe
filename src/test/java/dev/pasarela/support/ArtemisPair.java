package dev.pasarela.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The external broker of the scale-out tests: an Artemis 2.40.0 primary/backup pair sharing a
 * JDBC store on PostgreSQL, run by {@code bench/lib/artemis-pair.sh} with the broker.xml files
 * of {@code config/artemis/} (the ones docker-compose.yml uses). Pids, logs and the instances
 * stay in {@code workDir}; {@link #close()} kills both brokers and leaves the logs.
 *
 * <pre>{@code
 * String db = PostgresDatabases.create("e2e_broker");
 * try (ArtemisPair pair = ArtemisPair.start(dir, PostgresDatabases.url(db))) {
 *     env.put("SPRING_ARTEMIS_MODE", "native");
 *     env.put("SPRING_ARTEMIS_EMBEDDED_ENABLED", "false");
 *     env.put("SPRING_ARTEMIS_BROKER_URL", pair.brokerUrl());
 *     env.put("SPRING_ARTEMIS_USER", pair.user());
 *     env.put("SPRING_ARTEMIS_PASSWORD", pair.password());
 *     ...
 *     pair.killPrimary();
 *     pair.awaitBackupLive(Duration.ofSeconds(30));
 * } finally {
 *     PostgresDatabases.drop(db);
 * }
 * }</pre>
 */
public final class ArtemisPair implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    private final Path dir;
    private final int primaryPort;
    private final int backupPort;
    private final String brokerUrl;
    private final String user;
    private final String password;

    private ArtemisPair(Path dir, int primaryPort, int backupPort) throws IOException {
        this.dir = dir;
        this.primaryPort = primaryPort;
        this.backupPort = backupPort;
        this.brokerUrl = Files.readString(dir.resolve("broker-url")).strip();
        Properties credentials = new Properties();
        try (var in = Files.newBufferedReader(dir.resolve("credentials"))) {
            credentials.load(in);
        }
        this.user = credentials.getProperty("ARTEMIS_USER");
        this.password = credentials.getProperty("ARTEMIS_PASSWORD");
    }

    /**
     * Starts the pair on two free ports (in {@code -Dpasarela.test.port-range=FROM-TO} when
     * given) with its store in the database of {@code jdbcUrl} (jdbc:postgresql://host:port/db,
     * no parameters); returns when the primary accepts connections and the backup has announced
     * itself.
     */
    public static ArtemisPair start(Path workDir, String jdbcUrl) throws Exception {
        int primary = freePort(-1);
        return start(workDir, jdbcUrl, primary, freePort(primary));
    }

    public static ArtemisPair start(Path workDir, String jdbcUrl, int primaryPort, int backupPort) throws Exception {
        Path dir = Files.createDirectories(workDir).toAbsolutePath();
        ArtemisPair pair = null;
        try {
            script(dir, START_TIMEOUT, "start", dir.toString(), jdbcUrl, String.valueOf(primaryPort), String.valueOf(backupPort));
            pair = new ArtemisPair(dir, primaryPort, backupPort);
            // the brokers are not the test JVM's children: a JVM that dies or times out must not leave them running
            Runtime.getRuntime().addShutdownHook(pair.killOnExit);
            return pair;
        } finally {
            if (pair == null) {
                script(dir, Duration.ofSeconds(30), "kill", dir.toString());
            }
        }
    }

    /**
     * What a gateway puts in SPRING_ARTEMIS_BROKER_URL: both brokers, {@code ha=true} and
     * unbounded reconnect attempts, so a client fails over to the backup without being recreated.
     */
    public String brokerUrl() {
        return brokerUrl;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public int primaryPort() {
        return primaryPort;
    }

    public int backupPort() {
        return backupPort;
    }

    /** Where the brokers' logs ({@code primary.log}, {@code backup.log}) and instances are. */
    public Path dir() {
        return dir;
    }

    /** SIGKILL the primary: a crash, after which the backup takes the store's lock and activates. */
    public void killPrimary() {
        script(dir, Duration.ofSeconds(30), "kill-primary", dir.toString());
    }

    /** Waits until the backup accepts connections (it opens its acceptor only once active). */
    public void awaitBackupLive(Duration timeout) {
        long seconds = Math.max(1, timeout.toSeconds());
        script(dir, timeout.plusSeconds(10), "wait-live", dir.toString(), String.valueOf(backupPort), String.valueOf(seconds));
    }

    /** Kills both brokers (SIGKILL: the store is thrown away); the logs stay in {@link #dir()}. */
    @Override
    public void close() {
        script(dir, Duration.ofSeconds(30), "kill", dir.toString());
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway: killing twice is harmless
        }
    }

    private final Thread killOnExit = new Thread(() -> script(dir(), Duration.ofSeconds(30), "kill", dir().toString()),
            "artemis-pair-kill");

    private static void script(Path dir, Duration timeout, String... args) {
        Path script = root().resolve("bench/lib/artemis-pair.sh");
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(List.of(args));
        Path log = dir.resolve("artemis-pair.log");
        try {
            Process p = new ProcessBuilder(cmd).directory(root().toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("artemis-pair.sh " + args[0] + " timed out; see " + log);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("artemis-pair.sh " + args[0] + " failed (" + p.exitValue() + "): "
                        + tail(log) + "\nsee " + dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }

    /** The checkout: the build's working directory, or {@code -Dpasarela.root}. */
    private static Path root() {
        return Path.of(System.getProperty("pasarela.root", "")).toAbsolutePath();
    }

    private static int freePort(int not) throws IOException {
        String range = System.getProperty("pasarela.test.port-range", "");
        if (range.isBlank()) {
            for (int i = 0; i < 20; i++) {
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    if (s.getLocalPort() != not) {
                        return s.getLocalPort();
                    }
                }
            }
            throw new IOException("no free port");
        }
        String[] bounds = range.split("-");
        for (int port = Integer.parseInt(bounds[0].strip()); port <= Integer.parseInt(bounds[1].strip()); port++) {
            if (port == not) {
                continue;
            }
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException inUse) {
                // next one
            }
        }
        throw new IOException("no free port in " + range);
    }
}
