package dev.pasarela.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * TEMPORARY STAND-IN of the broker helper's ArtemisPair (same API): a primary/backup pair from
 * Maven's Artemis distribution with a shared store on a local directory (file locks), static
 * cluster connectors on 127.0.0.1:19361/19362. The jdbc URL is ignored. Replaced by the real one.
 */
public final class ArtemisPair implements AutoCloseable {

    static final int PRIMARY_PORT = 19361;
    static final int BACKUP_PORT = 19362;
    static final String USER = "e2e";
    static final String PASSWORD = "e2e-broker-pass";

    private final Path workDir;
    private Process primary;
    private Process backup;

    private ArtemisPair(Path workDir) {
        this.workDir = workDir;
    }

    public static ArtemisPair start(Path workDir, String jdbcUrl) throws IOException, InterruptedException {
        ArtemisPair pair = new ArtemisPair(workDir);
        pair.create();
        pair.primary = pair.run("primary");
        awaitPort(PRIMARY_PORT, Duration.ofSeconds(60));
        pair.backup = pair.run("backup");
        // the backup only logs; give it time to lock-wait on the shared store
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(workDir.resolve("backup.log"))
                && Files.readString(workDir.resolve("backup.log")).contains("AMQ221031"));
        return pair;
    }

    public String brokerUrl() {
        return "(tcp://127.0.0.1:" + PRIMARY_PORT + ",tcp://127.0.0.1:" + BACKUP_PORT
                + ")?ha=true&reconnectAttempts=-1&retryInterval=500&retryIntervalMultiplier=1.5&maxRetryInterval=2000";
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    public void killPrimary() throws InterruptedException {
        primary.destroyForcibly();
        primary.waitFor(30, TimeUnit.SECONDS);
    }

    public void awaitBackupLive(Duration within) {
        awaitPort(BACKUP_PORT, within);
    }

    @Override
    public void close() {
        for (Process p : new Process[] {primary, backup}) {
            if (p != null) {
                p.destroyForcibly();
            }
        }
    }

    private void create() throws IOException, InterruptedException {
        Path home = distribution();
        for (String role : List.of("primary", "backup")) {
            int port = role.equals("primary") ? PRIMARY_PORT : BACKUP_PORT;
            int other = role.equals("primary") ? BACKUP_PORT : PRIMARY_PORT;
            List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/artemis").toString(), "create",
                    workDir.resolve(role).toString(), "--silent", "--user", USER, "--password", PASSWORD,
                    "--require-login", "--no-web", "--host", "127.0.0.1", "--default-port", String.valueOf(port),
                    "--no-amqp-acceptor", "--no-mqtt-acceptor", "--no-stomp-acceptor", "--no-hornetq-acceptor",
                    "--shared-store", "--clustered", "--cluster-user", "cluster", "--cluster-password", PASSWORD,
                    "--static-cluster", "tcp://127.0.0.1:" + other, "--data", workDir.resolve("shared").toString(),
                    "--nio", "--failover-on-shutdown", "--java-memory", "384M"));
            if (role.equals("backup")) {
                cmd.add("--backup");
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(workDir.resolve("create-" + role + ".log").toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("artemis create " + role + " failed; see " + workDir);
            }
            Path profile = workDir.resolve(role).resolve("etc/artemis.profile");
            Files.writeString(profile, Files.readString(profile).replace("-Xms512M", "-Xms64M"));
            // the gateway's settings on the embedded broker: never drop, back off redeliveries
            Path xml = workDir.resolve(role).resolve("etc/broker.xml");
            Files.writeString(xml, Files.readString(xml).replace("<redelivery-delay>0</redelivery-delay>",
                    "<redelivery-delay>1000</redelivery-delay><redelivery-delay-multiplier>2</redelivery-delay-multiplier>"
                            + "<max-redelivery-delay>60000</max-redelivery-delay><max-delivery-attempts>-1</max-delivery-attempts>"));
        }
    }

    private Process run(String role) throws IOException {
        return new ProcessBuilder(workDir.resolve(role).resolve("bin/artemis").toString(), "run")
                .redirectErrorStream(true).redirectOutput(workDir.resolve(role + ".log").toFile()).start();
    }

    private Path distribution() throws IOException, InterruptedException {
        Path home = workDir.resolve("apache-artemis-2.40.0");
        if (!Files.exists(home)) {
            Path tar = Path.of(System.getProperty("user.home"),
                    ".m2/repository/org/apache/activemq/apache-artemis/2.40.0/apache-artemis-2.40.0-bin.tar.gz");
            Process p = new ProcessBuilder("tar", "xzf", tar.toString(), "-C", workDir.toString()).inheritIO().start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("cannot unpack " + tar);
            }
        }
        return home;
    }

    static void awaitPort(int port, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(200)).until(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            } catch (IOException closed) {
                return false;
            }
        });
    }
}
