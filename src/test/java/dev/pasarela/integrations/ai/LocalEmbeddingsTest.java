package dev.pasarela.integrations.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The in-process model itself: no Spring context, the real ONNX model from the Maven artifact. */
class LocalEmbeddingsTest {

    /**
     * One data dir for every test class of the JVM, kept after the run: the model and DJL's native
     * library load once per JVM, into the data dir of whichever test used the model first.
     */
    static final Path DATA_DIR = Path.of("target", "ai-test-data").toAbsolutePath();

    static LocalEmbeddings local() {
        return new LocalEmbeddings(new dev.pasarela.config.DataDirProperties(DATA_DIR));
    }

    @Test
    void describesItselfAsTheKeylessLocalModel() {
        LocalEmbeddings local = local();
        assertThat(local.name()).isEqualTo("local");
        assertThat(local.needsKey()).isFalse();
        assertThat(local.model()).isEqualTo("all-minilm-l6-v2-q");
    }

    @Test
    void embeds384DimensionsPerTextInOrderWithoutChargingTokens() {
        long start = System.nanoTime();
        Embeddings e = local().embed(null, List.of("Quiero financiar el coche", "Me hace un ruido al frenar", "Hola"));
        System.out.printf("local embeddings: first call (may include loading the model) %d ms%n",
                (System.nanoTime() - start) / 1_000_000);

        assertThat(e.provider()).isEqualTo("local");
        assertThat(e.model()).isEqualTo("all-minilm-l6-v2-q");
        assertThat(e.vectors()).hasSize(3).allSatisfy(v -> assertThat(v).hasSize(384));
        assertThat(e.dimensions()).isEqualTo(384);
        assertThat(e.usage()).isEqualTo(TokenUsage.NONE);
        assertThat(e.vectors().get(0)).isNotEqualTo(e.vectors().get(1));
    }

    @Test
    void nothingToEmbedIsNoVectorsAndABlankTextIsRefused() {
        assertThat(local().embed(null, List.of()).vectors()).isEmpty();
        assertThatThrownBy(() -> local().embed(null, List.of("hola", " ")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSameTextGivesTheSameVectorEveryTimeAndInAnyInstance() {
        String text = "¿Tenéis el Seat Ibiza en gris? Lo quiero para mañana";
        float[] first = local().embed(null, List.of(text)).vectors().get(0);
        float[] again = local().embed(null, List.of(text)).vectors().get(0);
        float[] inABatch = local().embed(null, List.of("otra cosa", text)).vectors().get(1);
        assertThat(again).containsExactly(first);
        assertThat(inABatch).containsExactly(first);
    }

    @Test
    void spanishSentencesAboutTheSameThingAreCloserThanUnrelatedOnes() {
        List<float[]> v = local().embed(null, List.of(
                "¿Cuánto cuesta el coche?",
                "¿Qué precio tiene el vehículo?",
                "Mañana va a llover en Sevilla",
                "El coche hace un ruido raro al frenar",
                "Me chirrían los frenos")).vectors();
        double priceToPrice = cosine(v.get(0), v.get(1));
        double priceToWeather = cosine(v.get(0), v.get(2));
        double brakesToBrakes = cosine(v.get(3), v.get(4));
        double brakesToWeather = cosine(v.get(3), v.get(2));
        System.out.printf("local embeddings: price~price %.3f, price~weather %.3f, brakes~brakes %.3f, brakes~weather %.3f%n",
                priceToPrice, priceToWeather, brakesToBrakes, brakesToWeather);
        assertThat(priceToPrice).isGreaterThan(priceToWeather);
        assertThat(brakesToBrakes).isGreaterThan(brakesToWeather);
    }

    @Test
    void concurrentCallsOnAFreshInstanceLoadOnceAndAgree() throws Exception {
        LocalEmbeddings fresh = local();
        List<String> texts = List.of("Quiero una cita para la ITV", "¿Me tasáis el coche?", "Buenas tardes");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<List<float[]>>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                calls.add(() -> fresh.embed(null, texts).vectors());
            }
            List<Future<List<float[]>>> results = pool.invokeAll(calls);
            List<float[]> expected = fresh.embed(null, texts).vectors();
            for (Future<List<float[]>> r : results) {
                List<float[]> got = r.get();
                for (int i = 0; i < texts.size(); i++) {
                    assertThat(got.get(i)).containsExactly(expected.get(i));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void djlUnpacksItsTokenizerLibraryUnderTheDataDirUnlessTheOperatorChoseADirectory() throws Exception {
        local().embed(null, List.of("hola"));
        String configured = System.getenv("DJL_CACHE_DIR");
        Path cache = Path.of(configured != null ? configured : System.getProperty("DJL_CACHE_DIR"));
        if (configured == null) {
            // set once per JVM, under the data dir of the first gateway (or test) that loaded the model
            assertThat(cache.getFileName().toString()).isEqualTo("djl");
            assertThat(cache.toAbsolutePath().normalize().toString()).contains("/target/");
        }
        try (Stream<Path> files = Files.walk(cache.resolve("tokenizers"))) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("libtokenizers.") || n.equals("tokenizers.dll"));
        }
    }

    static double cosine(float[] a, float[] b) {
        return EmbeddingClassifier.dot(EmbeddingClassifier.unit(a), EmbeddingClassifier.unit(b));
    }
}
