package dev.pasarela.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged jar as a process, for the end-to-end tests ({@link PackagedJar}: unpacked, with a
 * class-data archive): started with an environment, killed with SIGKILL.
 */
public final class GatewayProcess {

    public static final String OPS = "e2e-ops-token-0123456789abcdef0123456789";

    private final Path dir;
    private final String name;
    private final int port;
    private final Http http;
    private Process process;
    private int starts;

    /** {@code dir} holds the data directory and the log ({@code <name>.log}). */
    public GatewayProcess(Path dir, String name) {
        this(dir, name, freePort());
    }

    /** On a given port: for tests that must stay in a port range. */
    public GatewayProcess(Path dir, String name, int port) {
        this.dir = dir;
        this.name = name;
        this.port = port;
        this.http = new Http(port);
    }

    public String name() {
        return name;
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    public Http http() {
        return http;
    }

    public Path log() {
        return dir.resolve(name + ".log");
    }

    /** Starts the jar with the e2e ops token and master keys plus {@code env}; waits until healthy. */
    public void start(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(PackagedJar.javaCommand(List.of("-Xmx512m")));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        pb.environment().putAll(Map.of(
                "SERVER_PORT", String.valueOf(port),
                "PASARELA_DATA_DIR", dir.resolve(name + "-data").toString(),
                "PASARELA_OPS_TOKEN", OPS,
                "PASARELA_MASTER_KEYS", GatewayTest.MASTER_KEYS));
        pb.environment().putAll(env);
        process = pb.start();
        starts++;
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(300)).until(() -> {
            assertThat(process.isAlive()).as("gateway %s (start %d) alive; see %s", name, starts, log()).isTrue();
            try {
                return http.ops("GET", "/actuator/health", null, null).status() == 200;
            } catch (UncheckedIOException notYet) {
                return false;
            }
        });
    }

    /** SIGKILL on Linux: no shutdown hook, no flush. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(137);
    }

    public void stop() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    public Http.Response ops(String method, String path, String json) {
        return http.ops(method, path, json, OPS);
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
