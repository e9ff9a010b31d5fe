package dev.pasarela.integrations.ai;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Lead classification without a chat model: the intent whose labelled Spanish examples
 * ({@code ai/lead-examples.yml}) lie nearest the message in embedding space. It is the fallback when
 * a tenant has no chat key; it cannot name the vehicle, and urgency and the wish for a person come
 * from a few Spanish cue phrases, not from the model. Measured quality: docs/integrations/ai-classification.md.
 */
@Component
public class EmbeddingClassifier {

    static final String EXAMPLES = "ai/lead-examples.yml";
    static final String METHOD = "embeddings";

    /**
     * The score of an intent from its examples' cosine similarities to the message. Measured on the
     * evaluation set (EmbeddingClassifierTest) with the local model; the default is the best of them.
     */
    enum Scoring {
        /** The mean of the 3 most similar examples: one look-alike example cannot win alone. */
        TOP3_MEAN,
        /** The single most similar example (1-nearest-neighbour). */
        NEAREST,
        /** The similarity to the mean of the intent's example vectors. */
        CENTROID
    }

    static final Scoring DEFAULT_SCORING = Scoring.TOP3_MEAN;

    /**
     * Turns the margin between the best and the second-best intent score into a confidence:
     * {@code 1 - exp(-margin / MARGIN_SCALE)}, so a tie is 0 and a clear winner tends to 1. The scale
     * makes the mean confidence over the evaluation set equal the accuracy measured there with the
     * local model (EmbeddingClassifierTest prints it); other models' margins are not calibrated.
     */
    static final double MARGIN_SCALE = 0.034;

    private static final Pattern HIGH_URGENCY = cues(
            "urgente", "urgencia", "cuanto antes", "lo antes posible", "hoy", "hoy mismo", "ahora mismo",
            "ya mismo", "para ya", "inmediatamente", "asap");
    /** "mañana" as a day, not "por la mañana" (in the morning of any day). */
    private static final Pattern MEDIUM_URGENCY = Pattern.compile(
            "(?<!\\bla )\\bmanana\\b|\\besta semana\\b|\\bpronto\\b|\\beste finde\\b|\\beste fin de semana\\b");
    private static final Pattern WANTS_HUMAN = cues(
            "hablar con una persona", "hablar con alguien", "una persona real", "persona de verdad", "un humano",
            "un comercial", "un asesor", "agente", "llamadme", "llamame", "que me llame",
            "me llame alguien", "me podeis llamar", "me puede llamar", "me puedes llamar");

    private final Map<LeadIntent, List<String>> examples;
    /** Example vectors per provider and model: vectors of different models are not comparable. */
    private final Map<String, ExampleVectors> vectors = new ConcurrentHashMap<>();

    public EmbeddingClassifier() {
        this(readExamples());
    }

    EmbeddingClassifier(Map<LeadIntent, List<String>> examples) {
        for (LeadIntent intent : LeadIntent.values()) {
            if (examples.getOrDefault(intent, List.of()).isEmpty()) {
                throw new IllegalArgumentException("no lead examples for " + intent.label());
            }
        }
        this.examples = Collections.unmodifiableMap(new EnumMap<>(examples));
    }

    /** What the message is about, by its nearest labelled examples; see {@link #classifyCounted}. */
    public LeadClassification classify(EmbeddingProvider provider, String apiKey, String text) {
        return classifyCounted(provider, apiKey, text).classification();
    }

    /**
     * Also returns the tokens the provider reported, to charge: the message's, plus the examples' on
     * the first call for a provider and model (they are embedded once, with the first caller's key).
     */
    public Counted classifyCounted(EmbeddingProvider provider, String apiKey, String text) {
        return classify(provider, apiKey, text, DEFAULT_SCORING);
    }

    Counted classify(EmbeddingProvider provider, String apiKey, String text, Scoring scoring) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("text to classify must not be blank");
        }
        TokenUsage[] exampleUsage = {TokenUsage.NONE};
        ExampleVectors known = vectors.computeIfAbsent(provider.name() + "/" + provider.model(), key -> {
            ExampleVectors v = embedExamples(provider, apiKey);
            exampleUsage[0] = v.usage();
            return v;
        });
        Embeddings message = provider.embed(apiKey, List.of(text));
        float[] query = unit(message.vectors().get(0));

        List<Map.Entry<LeadIntent, Double>> ranked = known.byIntent().entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue().score(query, scoring)))
                .sorted(Map.Entry.<LeadIntent, Double>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .toList();
        double margin = ranked.get(0).getValue() - ranked.get(1).getValue();
        String normalised = normalise(text);
        LeadClassification classification = new LeadClassification(ranked.get(0).getKey(), urgency(normalised),
                null, confidence(margin), WANTS_HUMAN.matcher(normalised).find(), METHOD, provider.model());
        return new Counted(classification, message.usage().plus(exampleUsage[0]), toMap(ranked));
    }

    /**
     * @param usage  the tokens the provider reported for this call
     * @param scores every intent's score, best first (for evaluation and debugging, not for clients)
     */
    public record Counted(LeadClassification classification, TokenUsage usage, Map<LeadIntent, Double> scores) {
    }

    static double confidence(double margin) {
        return Math.max(0, Math.min(1, 1 - Math.exp(-margin / MARGIN_SCALE)));
    }

    static String urgency(String normalised) {
        if (HIGH_URGENCY.matcher(normalised).find()) {
            return "alta";
        }
        return MEDIUM_URGENCY.matcher(normalised).find() ? "media" : "baja";
    }

    /** Lower case without accents, so "Mañana", "mañana" and "manana" read the same. */
    static String normalise(String text) {
        return Normalizer.normalize(text.toLowerCase(java.util.Locale.ROOT), Normalizer.Form.NFD)
                .replaceAll("\\p{M}", "");
    }

    private ExampleVectors embedExamples(EmbeddingProvider provider, String apiKey) {
        List<LeadIntent> labels = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        examples.forEach((intent, list) -> list.forEach(t -> {
            labels.add(intent);
            texts.add(t);
        }));
        Embeddings embedded = provider.embed(apiKey, texts);
        if (embedded.vectors().size() != texts.size()) {
            throw new IllegalStateException(provider.name() + " returned " + embedded.vectors().size()
                    + " vectors for " + texts.size() + " examples");
        }
        Map<LeadIntent, List<float[]>> grouped = new EnumMap<>(LeadIntent.class);
        for (int i = 0; i < texts.size(); i++) {
            grouped.computeIfAbsent(labels.get(i), k -> new ArrayList<>()).add(unit(embedded.vectors().get(i)));
        }
        Map<LeadIntent, IntentVectors> byIntent = new EnumMap<>(LeadIntent.class);
        grouped.forEach((intent, list) -> byIntent.put(intent, new IntentVectors(list)));
        return new ExampleVectors(byIntent, embedded.usage());
    }

    private record ExampleVectors(Map<LeadIntent, IntentVectors> byIntent, TokenUsage usage) {
    }

    /** One intent's unit-length example vectors and their unit-length centroid. */
    private record IntentVectors(List<float[]> examples, float[] centroid) {

        IntentVectors(List<float[]> examples) {
            this(List.copyOf(examples), centroidOf(examples));
        }

        double score(float[] query, Scoring scoring) {
            return switch (scoring) {
                case CENTROID -> dot(centroid, query);
                case NEAREST -> examples.stream().mapToDouble(e -> dot(e, query)).max().orElseThrow();
                case TOP3_MEAN -> examples.stream().mapToDouble(e -> -dot(e, query)).sorted().limit(3)
                        .map(s -> -s).average().orElseThrow();
            };
        }

        private static float[] centroidOf(List<float[]> examples) {
            float[] sum = new float[examples.get(0).length];
            examples.forEach(e -> {
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += e[i];
                }
            });
            return unit(sum);
        }
    }

    /** Cosine similarity of unit vectors. */
    static double dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalStateException("vectors of " + a.length + " and " + b.length + " dimensions");
        }
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static float[] unit(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        float[] u = Arrays.copyOf(v, v.length);
        if (norm > 0) {
            for (int i = 0; i < u.length; i++) {
                u[i] /= (float) norm;
            }
        }
        return u;
    }

    private static Map<LeadIntent, Double> toMap(List<Map.Entry<LeadIntent, Double>> ranked) {
        Map<LeadIntent, Double> m = new LinkedHashMap<>();
        ranked.forEach(e -> m.put(e.getKey(), e.getValue()));
        return m;
    }

    private static Pattern cues(String... phrases) {
        return Pattern.compile("\\b(" + String.join("|", phrases) + ")\\b");
    }

    private static Map<LeadIntent, List<String>> readExamples() {
        try (InputStream in = EmbeddingClassifier.class.getClassLoader().getResourceAsStream(EXAMPLES)) {
            if (in == null) {
                throw new IllegalStateException(EXAMPLES + " is not on the classpath");
            }
            Map<String, List<String>> byLabel = new YAMLMapper().readValue(in, new TypeReference<>() { });
            Map<LeadIntent, List<String>> examples = new EnumMap<>(LeadIntent.class);
            byLabel.forEach((label, texts) -> examples.put(LeadIntent.of(label), List.copyOf(texts)));
            return examples;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + EXAMPLES, e);
        }
    }
}
