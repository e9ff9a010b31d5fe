package dev.pasarela.integrations.ai;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Embeddings without a key: all-MiniLM-L6-v2 (quantised, 384 dimensions) run in-process from the
 * model inside its Maven artifact, so a fresh machine classifies leads with no provider. The model is
 * English-trained; docs/integrations/ai-classification.md measures what that costs on Spanish.
 */
@Component
public class LocalEmbeddings implements EmbeddingProvider {

    public static final String NAME = "local";
    public static final String MODEL = "all-minilm-l6-v2-q";

    private static final Logger log = LoggerFactory.getLogger(LocalEmbeddings.class);

    private final Path djlCacheDir;
    private volatile EmbeddingModel model;

    /**
     * @param dirs the data directory: DJL unpacks its tokenizer library under {@code ~/.djl.ai} by
     *             default, which a read-only home (a container) does not allow
     */
    public LocalEmbeddings(dev.pasarela.config.DataDirProperties dirs) {
        this.djlCacheDir = dirs.resolve("djl");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean needsKey() {
        return false;
    }

    @Override
    public String model() {
        return MODEL;
    }

    /** The key is ignored; local tokens are not charged to the tenant's quota, so the usage is none. */
    @Override
    public Embeddings embed(String apiKey, List<String> texts) {
        if (texts.isEmpty()) {
            return new Embeddings(NAME, MODEL, List.of(), TokenUsage.NONE);
        }
        if (texts.stream().anyMatch(t -> t == null || t.isBlank())) {
            throw new IllegalArgumentException("texts to embed must not be blank");
        }
        List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
        List<float[]> vectors;
        try {
            vectors = loaded().embedAll(segments).content().stream().map(Embedding::vector).toList();
        } catch (RuntimeException e) {
            throw new AiProviderException(NAME, AiProviderException.Failure.UNAVAILABLE, 0, null, null, e);
        }
        return new Embeddings(NAME, MODEL, vectors, TokenUsage.NONE);
    }

    /**
     * Loads the model on first use, once: its class reads the 23 MB ONNX file and starts ONNX Runtime
     * in its static initialiser (about a second), which would otherwise slow every start-up.
     */
    private EmbeddingModel loaded() {
        EmbeddingModel m = model;
        if (m == null) {
            synchronized (this) {
                m = model;
                if (m == null) {
                    model = m = load();
                }
            }
        }
        return m;
    }

    private EmbeddingModel load() {
        configureDjl();
        long start = System.nanoTime();
        // Runnable::run: a batch is embedded on the caller's thread, so the gateway's bounded AI pool
        // stays the only limit instead of the model's own pool of one thread per core.
        EmbeddingModel loaded = new AllMiniLmL6V2QuantizedEmbeddingModel(Runnable::run);
        log.info("Loaded the local embedding model {} in {} ms", MODEL, (System.nanoTime() - start) / 1_000_000);
        return loaded;
    }

    /**
     * DJL (the tokenizer's native library) reads these as environment variables or system
     * properties; an operator's own setting wins. Offline mode makes it use the CPU library bundled in
     * its jar instead of downloading a CUDA build when it sees a GPU.
     */
    private void configureDjl() {
        if (System.getenv("DJL_CACHE_DIR") == null && System.getProperty("DJL_CACHE_DIR") == null) {
            System.setProperty("DJL_CACHE_DIR", djlCacheDir.toString());
        }
        if (System.getenv("DJL_OFFLINE") == null && System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }
}
