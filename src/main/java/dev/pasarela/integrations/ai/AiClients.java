package dev.pasarela.integrations.ai;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.LogLevel;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.Consumer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The official SDK clients, one per tenant key and provider, built once and kept while used: each
 * holds an OkHttp connection pool, so building one per call would open a connection per call.
 * Cached under the key's SHA-256 so no key sits in a cache key (heap dumps, metrics); an evicted
 * client is closed.
 */
@Component
public class AiClients implements DisposableBean {

    static final int MAX_CLIENTS = 200;
    static final Duration IDLE = Duration.ofHours(1);

    private final AiProperties properties;
    private final Cache<String, OpenAIClient> openAi;
    private final Cache<String, AnthropicClient> anthropic;

    public AiClients(AiProperties properties) {
        refuseBodyLogging();
        this.properties = properties;
        this.openAi = cache(OpenAIClient::close);
        this.anthropic = cache(AnthropicClient::close);
    }

    /**
     * An OpenAI client for this key: the configured base URL, no retries of its own (the gateway's
     * honour the rate-limit headers and fail over), the configured timeout unless a call sets its own.
     */
    public OpenAIClient openAi(String apiKey) {
        return openAi.get(digest("openai", apiKey), k -> OpenAIOkHttpClient.builder()
                .baseUrl(properties.openai().baseUrl())
                .apiKey(apiKey)
                .maxRetries(0)
                .timeout(properties.openai().timeout())
                .build());
    }

    /**
     * An Anthropic client for this key. anthropic-java 3.14.0 sends a newer {@code anthropic-version}
     * by default (2026-10-21); ours is pinned by configuration so a library upgrade cannot change the
     * API version under us. It also sends an API key as {@code Authorization: Bearer} unless the
     * request already has {@code x-api-key}: we set that, the header Anthropic documents for API keys.
     * Its logging is off whatever {@code ANTHROPIC_LOG} says.
     */
    public AnthropicClient anthropic(String apiKey) {
        return anthropic.get(digest("anthropic", apiKey), k -> AnthropicOkHttpClient.builder()
                .baseUrl(properties.anthropic().baseUrl())
                .apiKey(apiKey)
                .putHeader("x-api-key", apiKey)
                .maxRetries(0)
                .putHeader("anthropic-version", properties.anthropic().version())
                .logLevel(LogLevel.OFF)
                .build());
    }

    /** How many clients are cached, for tests and metrics. */
    public long size() {
        openAi.cleanUp();
        anthropic.cleanUp();
        return openAi.estimatedSize() + anthropic.estimatedSize();
    }

    @Override
    public void destroy() {
        openAi.invalidateAll();
        anthropic.invalidateAll();
        openAi.cleanUp();
        anthropic.cleanUp();
    }

    private static <C> Cache<String, C> cache(Consumer<C> close) {
        return Caffeine.newBuilder()
                .maximumSize(MAX_CLIENTS)
                .expireAfterAccess(IDLE)
                // on the evicting thread, so a closed client's threads and sockets go at once; a call
                // still running on it finishes (closing stops the dispatcher and idle connections only)
                .executor(Runnable::run)
                .<String, C>removalListener((key, client, cause) -> {
                    if (client != null) {
                        close.accept(client);
                    }
                })
                .build();
    }

    /** The cache key: which provider, and a SHA-256 of the key, never the key itself. */
    static String digest(String provider, String apiKey) {
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException(provider + " needs an API key");
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8));
            return provider + ":" + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * openai-java has no builder switch for its logging: {@code OPENAI_LOG=debug} makes it log every
     * request and response body, customers' texts included. Refuse to start rather than leak them.
     */
    private static void refuseBodyLogging() {
        if ("debug".equalsIgnoreCase(System.getenv("OPENAI_LOG"))) {
            throw new IllegalStateException("OPENAI_LOG=debug would log AI request and response bodies"
                    + " (customers' messages); unset it or use OPENAI_LOG=info");
        }
    }
}
