package dev.pasarela.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.support.PackagedJar;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every benchmark under {@code bench/} at its tiny {@code --ci} size against the packaged jar, so
 * none of them can rot: the run must finish and exit 0, which a bench does only when every answer
 * had the expected status. Nothing here looks at a figure (tests never assert on wall time).
 */
@Tag("e2e")
class BenchSmokeE2ETest {

    @ParameterizedTest
    @ValueSource(strings = {"ingest.sh", "outbound.sh", "noisy-neighbour.sh", "soak.sh"})
    void benchRunsAndEveryAnswerIsTheExpectedOne(String script) throws Exception {
        assertThat(Path.of("bench", script)).as("bench/" + script).exists();
        Path log = Path.of("target", "e2e", "bench-" + script.replace(".sh", "") + ".log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        ProcessBuilder run = new ProcessBuilder("bash", "bench/" + script, "--ci")
                .redirectErrorStream(true).redirectOutput(log.toFile()).directory(new File("."));
        // the unpacked jar with its class-data archive (PackagedJar): a third of the start
        run.environment().put("JAR", PackagedJar.jar().toString());
        run.environment().put("JAVA_OPTS", PackagedJar.javaOptions());
        Process bench = run.start();
        boolean finished = bench.waitFor(6, TimeUnit.MINUTES);
        if (!finished) {
            bench.descendants().forEach(ProcessHandle::destroyForcibly);
            bench.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(finished).as("bench/%s --ci finished within 6 minutes; output:%n%s", script, output).isTrue();
        assertThat(bench.exitValue()).as("bench/%s --ci exit status; output:%n%s", script, output).isZero();
        // wrk's RESULT lines, or the outbound bench's exactly-once check of every message
        assertThat(output).as("bench/%s printed its results", script).containsAnyOf("RESULT", "Exactly once")
                .doesNotContain("FAILED");
    }
}
