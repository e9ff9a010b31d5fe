package dev.pasarela.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.support.PackagedJar;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The benchmarks under {@code bench/} at a tiny size, so none of them can rot: the gateway's benches
 * at their {@code --ci} size (or their smallest) against the packaged jar, the cost harnesses on this
 * run's classes. A run must finish and exit 0, which a bench does only when every answer had the
 * expected status (a harness, when every result was right). Nothing here looks at a figure (tests never assert on wall
 * time).
 *
 * <p>The runs go alongside the other end-to-end classes (the failsafe plugin's two lanes, pom.xml): each
 * has its own ports, directories and secrets, and a run keeps about half of the two cores busy.
 */
@Tag("e2e")
@Execution(ExecutionMode.CONCURRENT)
class BenchSmokeE2ETest {

    @ParameterizedTest
    @ValueSource(strings = {"ingest.sh", "outbound.sh", "noisy-neighbour.sh", "soak.sh", "callback-outage.sh"})
    void benchRunsAndEveryAnswerIsTheExpectedOne(String script) throws Exception {
        String output = run(script, List.of("--ci"), true);
        // wrk's RESULT lines, or the outbound bench's exactly-once check of every message
        assertThat(output).as("bench/%s printed its results", script).containsAnyOf("RESULT", "Exactly once")
                .doesNotContain("FAILED");
        if (script.equals("ingest.sh") || script.equals("outbound.sh")) {
            // the JIT's share of the measured rounds (bench/lib/thread-cpu.sh): its awk must run, and a run
            // this short is told apart from a steady state by that figure, not by a warning
            assertThat(output).contains("JIT compiler threads: ").doesNotContain("WARNING: the JIT");
        }
        if (script.equals("outbound.sh")) {
            // --ci takes the accept's steps too (STEPS=1, WhatsAppAcceptSteps): each answered and was timed
            assertThat(output).containsPattern("door step [0-9]+ req/s").containsPattern("quota step [0-9]+ req/s")
                    .containsPattern("record step [0-9]+ req/s").containsPattern("enqueue step [0-9]+ req/s");
            // the enqueue step's queue emptied after its loads (bench/OutboundBench.java purge), and paging reported
            assertThat(output).containsPattern("enqueue step: [1-9][0-9]* messages removed from its queue")
                    .containsPattern("round 1: the broker's paging directory holds [0-9]+ MB");
        }
        if (script.equals("callback-outage.sh")) {
            // every callback that waited through the outage (some of it on the waiting queues) arrived
            assertThat(output).containsPattern("endpoint back: all [0-9]+ callbacks arrived")
                    .containsPattern("heap after a full GC [0-9]+ MB")
                    .as("retries over a second went through the waiting queues (pipeline/errors/LongWaits)")
                    .containsPattern("on the waiting queues \\([1-9][0-9]* moves");
        }
        if (script.equals("soak.sh")) {
            // what the deliveries' backlog paged while ingest ran ahead of them
            assertThat(output).containsPattern("ingest run 1: RESULT .* \\(total [0-9]+; paging directory [0-9]+ MB\\)")
                    .containsPattern("during ingest the broker's paging directory held [0-9]+ MB at most");
        }
        if (script.equals("noisy-neighbour.sh")) {
            assertThat(output).containsPattern("round 1 in yes B: RESULT .* paged_mb=[0-9]+");
        }
        if (script.equals("ingest.sh")) {
            // each load's events counted on their queue and removed (the journal's path, not page files'), what
            // the broker paged, and the heap the run leaves
            assertThat(output).containsPattern("stripe: [1-9][0-9]* events removed from in.stripe \\([0-9]+ acknowledged\\)")
                    .containsPattern("meta: [1-9][0-9]* events removed from in.meta \\([0-9]+ acknowledged\\)")
                    .containsPattern("round 1: the broker's paging directory held [0-9]+ MB at most")
                    .containsPattern("heap after a full GC: [0-9]+ MB, paged: [0-9]+ MB");
        }
    }

    /** The ingest bench with its deliveries running: each round's events delivered before the next, none dead-lettered. */
    @Test
    void ingestBenchWithItsDeliveries() throws Exception {
        String output = run("ingest.sh", List.of("--ci"), true, Map.of("DELIVERIES", "on"));
        assertThat(output).contains("RESULT").doesNotContain("FAILED").doesNotContain("events removed from")
                .containsPattern("round 1 stripe RESULT .* drained_s=[0-9]+");
    }

    /**
     * The benches of the AI calls, the file uploads and the Instagram carousel, which have no
     * {@code --ci} size: their smallest run on the packaged jar (one connection for a second per
     * round, after each bench's own warm-up; one carousel). Each exits non-zero when an answer is not
     * the expected one (a 200, a 201 and a 415, a carousel published exactly once).
     */
    @ParameterizedTest
    @CsvSource({"ai.sh, 1 1, gateway requests=",
            "storage.sh, 1 1, upload-201 requests=",
            "publish.sh, 1, gateway-publish runs=1"})
    void smallestRunOfABenchWithoutACiSize(String script, String arguments, String printed) throws Exception {
        String output = run(script, List.of(arguments.split(" ")), true);
        assertThat(output).as("bench/%s printed its results", script).contains(printed).doesNotContain("FAILED");
    }

    /**
     * The cost harnesses, one part of the gateway alone (no jar), at a tiny size: each exits non-zero
     * when a result is wrong (a row or a status missing from the store, a tampered body accepted, a
     * gauge the registry search did not find, a message the broker does not hold).
     * {@code broker-grouped-send.sh} (a minute even at its smallest) and {@code broker-send-rate.sh}
     * (an external broker pair, which {@code ScaleOutE2ETest} runs) are left out.
     */
    @ParameterizedTest
    @CsvSource({"store-commit-cost.sh, 1 1 default group-flush, commits per flush",
            "stripe-verify-cost.sh, 2000, ours",
            "meter-search-cost.sh, 200, registered once",
            "h2-file-growth.sh, 40 0 20, keys committed and found: 200",
            "store-key-lookups.sh, 20000 1 2, hits (retries)",
            "scheduled-heap.sh, 2000, 2000 on the queue (2000 scheduled)",
            "key-batch-cost.sh, 3, 512 new and 1 known"})
    void harnessRunsAndItsResultsAreRight(String script, String arguments, String printed) throws Exception {
        String output = run(script, List.of(arguments.split(" ")), false);
        assertThat(output).as("bench/%s printed its results", script).contains(printed);
    }

    /** Runs {@code bench/script} to its end and answers its output; it must exit 0 within 6 minutes. */
    private static String run(String script, List<String> arguments, boolean onTheJar) throws Exception {
        return run(script, arguments, onTheJar, Map.of());
    }

    /** The same with more variables in the bench's environment; each set of them logs to its own file. */
    private static String run(String script, List<String> arguments, boolean onTheJar, Map<String, String> variables)
            throws Exception {
        assertThat(Path.of("bench", script)).as("bench/" + script).exists();
        String suffix = variables.entrySet().stream().map(v -> "-" + v.getKey() + "=" + v.getValue())
                .sorted().collect(Collectors.joining());
        Path log = Path.of("target", "e2e", "bench-" + script.replace(".sh", "") + suffix + ".log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>(List.of("bash", "bench/" + script));
        command.addAll(arguments);
        ProcessBuilder run = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(log.toFile()).directory(new File("."));
        // every JVM a run starts (stand-ins, the source launcher's compiles, the harnesses) lives seconds:
        // the JIT's first tier and one GC thread cost it about 40 % less CPU (bench/h2-file-growth.sh: 20
        // CPU-seconds against 33), and nothing here reads a figure. The java launcher notes the option.
        run.environment().put("JDK_JAVA_OPTIONS", PackagedJar.fastStartOptions());
        run.environment().putAll(variables);
        if (onTheJar) {
            // the unpacked jar with its class-data archive (PackagedJar): a third of the start
            run.environment().put("JAR", PackagedJar.jar().toString());
            run.environment().put("JAVA_OPTS", PackagedJar.javaOptions());
        } else {
            // this run's own classes and dependencies: no Maven started inside Maven's run
            run.environment().put("CP", System.getProperty("java.class.path"));
        }
        Process bench = run.start();
        boolean finished = bench.waitFor(6, TimeUnit.MINUTES);
        if (!finished) {
            bench.descendants().forEach(ProcessHandle::destroyForcibly);
            bench.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(finished).as("bench/%s finished within 6 minutes; output:%n%s", script, output).isTrue();
        assertThat(bench.exitValue()).as("bench/%s exit status; output:%n%s", script, output).isZero();
        return output;
    }
}
