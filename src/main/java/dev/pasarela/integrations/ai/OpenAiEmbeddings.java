package dev.pasarela.integrations.ai;

import com.openai.core.RequestOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.Embedding;
import com.openai.models.embeddings.EmbeddingCreateParams;
import java.util.Comparator;
import java.util.List;
import org.springframework.stereotype.Component;

/** OpenAI's {@code POST /v1/embeddings} behind {@link EmbeddingProvider}, with the configured model. */
@Component
public class OpenAiEmbeddings implements EmbeddingProvider {

    private final AiClients clients;
    private final OpenAiFailures failures;
    private final AiProperties properties;

    public OpenAiEmbeddings(AiClients clients, OpenAiFailures failures, AiProperties properties) {
        this.clients = clients;
        this.failures = failures;
        this.properties = properties;
    }

    @Override
    public String name() {
        return OpenAiFailures.PROVIDER;
    }

    @Override
    public boolean needsKey() {
        return true;
    }

    @Override
    public String model() {
        return properties.openai().embeddingsModel();
    }

    @Override
    public Embeddings embed(String apiKey, List<String> texts) {
        if (texts.isEmpty()) {
            return new Embeddings(name(), model(), List.of(), TokenUsage.NONE);
        }
        // float: the SDK asks for base64 when unset; floats are what the stand-ins and the docs show
        EmbeddingCreateParams params = EmbeddingCreateParams.builder()
                .model(model())
                .inputOfArrayOfStrings(texts)
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
                .build();
        try {
            CreateEmbeddingResponse response = clients.openAi(apiKey).embeddings()
                    .create(params, RequestOptions.builder().timeout(properties.openai().timeout()).build());
            // the API does not promise data[] in input order: index says whose vector it is
            List<float[]> vectors = response.data().stream()
                    .sorted(Comparator.comparingLong(Embedding::index))
                    .map(e -> floats(e.embedding()))
                    .toList();
            if (vectors.size() != texts.size()) {
                throw new AiProviderException(name(), AiProviderException.Failure.UNAVAILABLE, 0, "invalid_response",
                        null, null);
            }
            return new Embeddings(name(), response.model(), vectors, new TokenUsage(response.usage().promptTokens(), 0));
        } catch (RuntimeException e) {
            throw failures.classify(e);
        }
    }

    private static float[] floats(List<Float> values) {
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = values.get(i);
        }
        return vector;
    }
}
