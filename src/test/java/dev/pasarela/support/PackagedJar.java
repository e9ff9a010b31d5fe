package dev.pasarela.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged jar as the end-to-end tests start it: unpacked with Spring Boot's own tools
 * ({@code java -Djarmode=tools -jar … extract}: the same application jar and libraries, on a plain
 * class path) with a class-data sharing archive from one training run, and the JIT's first tier only.
 *
 * <p>Why: started as {@code java -jar} the gateway spends more than half of its start loading classes
 * out of the jar's nested jars, and the end-to-end suite starts it about twenty times. On these two
 * cores one start took 35 s as {@code java -jar}, 16 s unpacked, 8 s unpacked with the archive and
 * the first tier (issue 14's RESULTS.md, "Start to ready"). Behaviour is the same: the same classes,
 * configuration and data directory. The archive is only an optimisation; a JVM that cannot use it
 * says so on its output and loads classes as usual. (A newcomer's {@code java -jar} is what the
 * README says; each session's closing check starts the jar that way.)
 *
 * <p>Made once per build (again when the jar changed), under {@code target/e2e-jar/}: the unpacked jar
 * in {@code app/}, the archive, the logs of the unpacking and of the training run.
 */
public final class PackagedJar {

    /** The JVM flags every start from here uses besides the archive: first tier, one GC thread. */
    static final List<String> FAST_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private static Prepared prepared;

    record Prepared(Path jar, Path archive) {}

    private PackagedJar() {}

    /** The jar {@code mvn package} built. */
    public static Path fatJar() {
        return Path.of(System.getProperty("pasarela.jar", "target/pasarela-0.1.0-SNAPSHOT.jar")).toAbsolutePath();
    }

    /** {@code java} and its flags up to and including {@code -jar <jar>}; add heap and options before the last two. */
    public static List<String> javaCommand(List<String> jvmOptions) {
        Prepared p = prepare();
        List<String> cmd = new ArrayList<>(List.of(java()));
        cmd.addAll(jvmFlags(p));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", p.jar().toString()));
        return cmd;
    }

    /** The unpacked application jar, for scripts that take a {@code JAR}. */
    public static Path jar() {
        return prepare().jar();
    }

    /**
     * The first tier and one GC thread alone ({@link #FAST_START}), as one string: for the JVMs around a
     * test (stand-ins, harnesses), which live seconds too.
     */
    public static String fastStartOptions() {
        return String.join(" ", FAST_START);
    }

    /** The flags {@link #javaCommand} adds, as one string for scripts that take {@code JAVA_OPTS}. */
    public static String javaOptions() {
        return String.join(" ", jvmFlags(prepare()));
    }

    private static List<String> jvmFlags(Prepared p) {
        List<String> flags = new ArrayList<>(FAST_START);
        if (p.archive() != null) {
            flags.add("-XX:SharedArchiveFile=" + p.archive());
        }
        return flags;
    }

    private static synchronized Prepared prepare() {
        if (prepared != null) {
            return prepared;
        }
        try {
            Path fat = fatJar();
            Path dir = fat.resolveSibling("e2e-jar");
            Path stamp = dir.resolve("built-from");
            String source = fat + " " + Files.getLastModifiedTime(fat).toMillis() + " " + Files.size(fat);
            Path app = dir.resolve("app"); // the tool wants an empty destination: the logs stay outside it
            Path jar = app.resolve(fat.getFileName());
            Path archive = dir.resolve("pasarela.jsa");
            if (!Files.exists(stamp) || !Files.readString(stamp).equals(source)) {
                deleteTree(dir);
                Files.createDirectories(dir);
                if (!run(dir.resolve("extract.log"), Map.of(), java(), "-Djarmode=tools", "-jar", fat.toString(),
                        "extract", "--destination", app.toString())) {
                    throw new IllegalStateException("could not unpack " + fat + "; see " + dir.resolve("extract.log"));
                }
                train(dir, jar, archive);
                Files.writeString(stamp, source);
            }
            prepared = new Prepared(jar, Files.exists(archive) ? archive : null);
            return prepared;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Spring Boot's training run: the context is refreshed and the JVM exits, writing the classes it
     * loaded into the archive. A run that fails leaves no archive: the starts go on without it.
     */
    private static void train(Path dir, Path jar, Path archive) throws IOException {
        Path data = Files.createTempDirectory("pasarela-training");
        Map<String, String> env = Map.of("SERVER_PORT", "0", "PASARELA_DATA_DIR", data.toString(),
                "PASARELA_OPS_TOKEN", GatewayProcess.OPS, "PASARELA_MASTER_KEYS", GatewayTest.MASTER_KEYS,
                "STRIPE_WEBHOOK_SECRET", StripeFixtures.SECRET);
        // with the flags of the starts it serves: the same archive, made ~10 % faster (40 s against 44 s here)
        List<String> cmd = new ArrayList<>(List.of(java()));
        cmd.addAll(FAST_START);
        cmd.addAll(List.of("-XX:ArchiveClassesAtExit=" + archive, "-Dspring.context.exit=onRefresh", "-jar", jar.toString()));
        boolean ok = run(dir.resolve("training.log"), env, cmd.toArray(String[]::new));
        if (!ok) {
            Files.deleteIfExists(archive);
        }
        deleteTree(data);
    }

    private static boolean run(Path log, Map<String, String> env, String... cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            if (!p.waitFor(3, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return false;
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void deleteTree(Path dir) throws IOException {
        org.springframework.util.FileSystemUtils.deleteRecursively(dir);
    }
}
