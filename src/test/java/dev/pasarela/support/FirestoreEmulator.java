package dev.pasarela.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Assumptions;

/**
 * Starts the Firestore emulator installed on the machine on a free port. Skips (with the reason)
 * only where the emulator is not installed, as the project's design allows.
 */
public final class FirestoreEmulator implements AutoCloseable {

    public static final Path BINARY =
            Path.of("/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud_firestore_emulator");

    private final Process process;
    private final int port;

    private FirestoreEmulator(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static FirestoreEmulator startOrSkip(String... extraArgs) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(BINARY),
                "Firestore emulator not installed at " + BINARY + ": Firestore adapter tests skipped");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = Files.createTempFile("firestore-emulator", ".log");
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(BINARY.toString(), "start",
                "--host=127.0.0.1", "--port=" + port));
        cmd.addAll(java.util.List.of(extraArgs));
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            if (!p.isAlive()) {
                throw new IllegalStateException("Firestore emulator exited: " + Files.readString(log));
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return new FirestoreEmulator(p, port);
            } catch (IOException notYet) {
                p.waitFor(200, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("Firestore emulator did not open port " + port + ": " + Files.readString(log));
    }

    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
