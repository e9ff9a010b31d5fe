package dev.pasarela.integrations.ai;

import dev.pasarela.security.CredentialNames;
import dev.pasarela.api.ProblemException;
import dev.pasarela.api.RateLimitedException;
import dev.pasarela.security.CredentialVault;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Calls the AI providers for a tenant: its own key from the vault, else the platform's; the
 * primary chat provider first and the other when the first cannot answer (429, 5xx, 529, a timeout,
 * an open breaker, billing); each provider retried by resilience4j honouring the wait it asks for
 * ({@code Retry-After}, its reset headers), never longer than {@code retry.max-wait}; a circuit
 * breaker per provider and key, so one tenant's exhausted key does not stop the others. Calls run on
 * a bounded pool: beyond it a caller gets a 503 at once instead of holding a request thread.
 *
 * <p>What a caller can do nothing about is a {@link ProblemException}: 401/403 from the provider
 * (a wrong key) and 400 (a request the provider refuses) are 502s naming the provider's error type
 * and are not retried nor failed over; a provider still rate-limiting after retries is a 429 with
 * its Retry-After; unavailable is a 503.
 */
@Component
public class AiModels implements DisposableBean, CredentialNames {

    /** Each provider's key is read under its name (openai, anthropic). */
    @Override
    public java.util.Set<String> credentialNames() {
        java.util.Set<String> names = new java.util.TreeSet<>(chat.keySet());
        names.addAll(embeddings.keySet());
        names.addAll(moderation.keySet());
        return names;
    }

    private static final Logger log = LoggerFactory.getLogger(AiModels.class);

    /** A provider with the key it is called with for one tenant. */
    public record Keyed<P>(String name, P provider, String apiKey) {
        @Override
        public String toString() {
            return "Keyed[" + name + "]"; // never the key
        }
    }

    private final Map<String, ChatProvider> chat;
    private final Map<String, EmbeddingProvider> embeddings;
    private final Map<String, ModerationProvider> moderation;
    private final CredentialVault vault;
    private final AiProperties properties;
    private final MeterRegistry meters;
    // per provider and key: keys rotate, so unused breakers expire instead of piling up
    private final Map<String, CircuitBreaker> breakers = com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
            .maximumSize(10_000).expireAfterAccess(Duration.ofHours(6)).<String, CircuitBreaker>build().asMap();
    private final CircuitBreakerConfig breakerConfig;
    private final Map<String, Retry> retries = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor pool;

    public AiModels(List<ChatProvider> chat, List<EmbeddingProvider> embeddings, List<ModerationProvider> moderation,
                    CredentialVault vault, AiProperties properties, MeterRegistry meters) {
        this.chat = chat.stream().collect(Collectors.toMap(ChatProvider::name, Function.identity()));
        this.embeddings = embeddings.stream().collect(Collectors.toMap(EmbeddingProvider::name, Function.identity()));
        this.moderation = moderation.stream().collect(Collectors.toMap(ModerationProvider::name, Function.identity()));
        this.vault = vault;
        this.properties = properties;
        this.meters = meters;
        this.breakerConfig = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED).slidingWindowSize(10)
                .minimumNumberOfCalls(6).failureRateThreshold(50)
                .waitDurationInOpenState(properties.breaker().openFor())
                // only the provider being unwell counts: a refused request says nothing about its health,
                // and a rate limit is already waited out by the retry (it would open the breaker on calls
                // that end well)
                .recordException(e -> e instanceof AiProviderException a
                        && (a.failure() == AiProviderException.Failure.UNAVAILABLE
                        || a.failure() == AiProviderException.Failure.TIMEOUT))
                .build();
        AiProperties.Pool p = properties.pool();
        BlockingQueue<Runnable> queue = p.queue() == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(p.queue());
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(p.threads(), p.threads(), 60, TimeUnit.SECONDS, queue,
                r -> {
                    Thread t = new Thread(r, "ai-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
        meters.gauge("pasarela.ai.pool.queued", pool, e -> e.getQueue().size());
        meters.gauge("pasarela.ai.pool.active", pool, ThreadPoolExecutor::getActiveCount);
    }

    /** The chat providers the tenant can use, in the order they are tried. */
    public List<Keyed<ChatProvider>> chatProviders(String tenantId) {
        List<String> order = new ArrayList<>(List.of(properties.primary()));
        chat.keySet().stream().filter(n -> !order.contains(n)).sorted().forEach(order::add);
        List<Keyed<ChatProvider>> out = new ArrayList<>();
        for (String name : order) {
            ChatProvider p = chat.get(name);
            key(tenantId, name).ifPresent(k -> {
                if (p != null) {
                    out.add(new Keyed<>(name, p, k));
                }
            });
        }
        // without failover, the first provider that has a key is the only one (the primary when it has one)
        return properties.failover() || out.isEmpty() ? out : List.of(out.get(0));
    }

    public boolean hasChat(String tenantId) {
        return !chatProviders(tenantId).isEmpty();
    }

    /**
     * One chat call, built per provider ({@code call.apply(providerName)}: models differ), tried on
     * each configured provider in turn.
     */
    public ChatResult chat(String tenantId, UseCase useCase, Function<String, ChatCall> call) {
        List<Keyed<ChatProvider>> candidates = chatProviders(tenantId);
        if (candidates.isEmpty()) {
            throw notConfigured("OPENAI_API_KEY or ANTHROPIC_API_KEY", "openai or anthropic");
        }
        AiProperties.ModelSettings settings = properties.settings(useCase);
        Duration budget = budget(settings.timeout(), candidates.size());
        return onPool(budget, () -> {
            RuntimeException last = null;
            for (Keyed<ChatProvider> c : candidates) {
                ChatCall built = call.apply(c.name());
                try {
                    return attempt(c.name(), c.apiKey(), useCase.key(), () -> c.provider().chat(c.apiKey(), built));
                } catch (AiProviderException e) {
                    if (!failsOver(e)) {
                        throw problem(e);
                    }
                    last = e;
                    log.warn("AI {} for {} failed over from {}: {}", useCase.key(), tenantId, c.name(), e.getMessage());
                } catch (CallNotPermittedException open) {
                    last = open;
                    log.warn("AI {} for {}: {} is skipped, its breaker is open", useCase.key(), tenantId, c.name());
                }
            }
            throw last instanceof AiProviderException a ? problem(a) : unavailable(candidates, properties.breaker().openFor());
        });
    }

    /** Embeddings from OpenAI when the tenant or the platform has its key, else from the in-process model. */
    public Embeddings embed(String tenantId, List<String> texts) {
        Keyed<EmbeddingProvider> p = embeddingProvider(tenantId);
        return onPool(budget(properties.openai().timeout(), 1), () -> {
            try {
                return attempt(p.name(), p.apiKey(), "embeddings", () -> p.provider().embed(p.apiKey(), texts));
            } catch (AiProviderException e) {
                throw problem(e);
            } catch (CallNotPermittedException open) {
                throw unavailable(List.of(p), properties.breaker().openFor());
            }
        });
    }

    /** The embedding provider a tenant's vectors come from (vectors of different models do not compare). */
    public Keyed<EmbeddingProvider> embeddingProvider(String tenantId) {
        EmbeddingProvider openai = embeddings.get("openai");
        Optional<String> key = openai == null ? Optional.empty() : key(tenantId, "openai");
        if (key.isPresent()) {
            return new Keyed<>("openai", openai, key.get());
        }
        EmbeddingProvider local = embeddings.get("local");
        if (local == null) {
            throw notConfigured("OPENAI_API_KEY", "openai");
        }
        return new Keyed<>("local", local, null);
    }

    /** Moderation by OpenAI (Anthropic has none): with the tenant's key or the platform's; empty without either. */
    public Optional<Keyed<ModerationProvider>> moderationProvider(String tenantId) {
        ModerationProvider openai = moderation.get("openai");
        return openai == null ? Optional.empty()
                : key(tenantId, "openai").map(k -> new Keyed<>("openai", openai, k));
    }

    public Moderation moderate(Keyed<ModerationProvider> p, String text) {
        return onPool(budget(properties.openai().timeout(), 1), () -> {
            try {
                return attempt(p.name(), p.apiKey(), "moderation", () -> p.provider().moderate(p.apiKey(), text));
            } catch (AiProviderException e) {
                throw problem(e);
            } catch (CallNotPermittedException open) {
                throw unavailable(List.of(p), properties.breaker().openFor());
            }
        });
    }

    private Optional<String> key(String tenantId, String provider) {
        return vault.credentials(tenantId, provider).map(m -> m.get("apiKey")).filter(k -> !k.isBlank());
    }

    /** One provider: retried while it asks for a wait we accept, through its key's breaker. */
    private <T> T attempt(String provider, String apiKey, String use, Supplier<T> call) {
        // per key, by the same digest the SDK clients are cached by (never the key itself)
        CircuitBreaker breaker = breakers.computeIfAbsent(apiKey == null ? provider + ":none" : AiClients.digest(provider, apiKey),
                id -> CircuitBreaker.of("ai-" + id, breakerConfig));
        Retry retry = retries.computeIfAbsent(provider, this::retry);
        Timer.Sample sample = Timer.start(meters);
        String outcome = "ok";
        try {
            return Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(breaker, call)).get();
        } catch (AiProviderException e) {
            outcome = e.failure().name().toLowerCase();
            throw e;
        } catch (CallNotPermittedException e) {
            outcome = "breaker_open";
            throw e;
        } finally {
            sample.stop(meters.timer("pasarela.ai.calls", "provider", provider, "use_case", use, "outcome", outcome));
        }
    }

    private Retry retry(String provider) {
        AiProperties.Retry r = properties.retry();
        long maxWait = r.maxWait().toMillis();
        return Retry.of("ai-" + provider, RetryConfig.<Object>custom()
                .maxAttempts(r.maxAttempts())
                // a wait longer than max-wait is not waited for: the other provider is asked at once
                // a timeout already cost the use case's whole timeout: the other provider is asked instead
                .retryOnException(e -> e instanceof AiProviderException a && a.failure().retryable()
                        && a.failure() != AiProviderException.Failure.TIMEOUT
                        && (a.retryAfter() == null || a.retryAfter().toMillis() <= maxWait))
                .intervalBiFunction((attempt, outcome) -> {
                    if (outcome.isLeft() && outcome.getLeft() instanceof AiProviderException a && a.retryAfter() != null) {
                        return Math.max(0, a.retryAfter().toMillis());
                    }
                    // the SDKs' own backoff: 0.5 s doubling, capped, with up to 25 % jitter
                    long base = Math.min(maxWait, r.initialBackoff().toMillis() << Math.min(10, attempt - 1));
                    return (long) (base * (1 - 0.25 * ThreadLocalRandom.current().nextDouble()));
                })
                .build());
    }

    private static boolean failsOver(AiProviderException e) {
        return e.failure().retryable() || e.failure() == AiProviderException.Failure.BILLING;
    }

    /** How long a caller waits for the whole call: every attempt of every provider and the waits between. */
    private Duration budget(Duration timeout, int providers) {
        AiProperties.Retry r = properties.retry();
        Duration all = timeout.plus(r.maxWait()).multipliedBy((long) r.maxAttempts() * providers).plusSeconds(1);
        return all.compareTo(r.deadline()) < 0 ? all : r.deadline();
    }

    private <T> T onPool(Duration budget, Supplier<T> work) {
        Future<T> future;
        try {
            future = pool.submit(work::get);
        } catch (RejectedExecutionException busy) {
            meters.counter("pasarela.ai.rejected", "reason", "busy").increment();
            throw new ProblemException(503, "ai-busy", "AI calls saturated",
                    "Too many AI calls are in progress; retry in a moment.").retryAfter(1);
        }
        try {
            return future.get(budget.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw asProblem(e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new ProblemException(503, "ai-unavailable", "AI provider unavailable",
                    "No AI provider answered in time; retry later.").retryAfter(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new ProblemException(503, "ai-unavailable", "AI provider unavailable", "The call was interrupted.");
        }
    }

    /** What the caller is told of a failure on the pool: a problem, never a 500 (the local model's Errors too). */
    private static RuntimeException asProblem(Throwable cause) {
        if (cause instanceof ProblemException p) {
            return p;
        }
        if (cause instanceof AiProviderException a) {
            return problem(a);
        }
        log.error("AI call failed unexpectedly: {}", cause.getClass().getName());
        return new ProblemException(503, "ai-unavailable", "AI provider unavailable",
                "The AI call failed in the gateway; retry later.").retryAfter(5);
    }

    /** Runs work of the AI integration that is not a provider call (the in-process model) on the bounded pool. */
    public <T> T onPool(Supplier<T> work) {
        return onPool(budget(properties.openai().timeout(), 1), work);
    }

    /** The answer for a provider failure nobody else could take: the provider's words, never its body. */
    static ProblemException problem(AiProviderException e) {
        String type = e.errorType() == null ? "" : " (" + e.errorType() + ")";
        return switch (e.failure()) {
            case RATE_LIMITED -> new RateLimitedException("ai-provider-rate-limited", "AI provider rate limit",
                    "The " + e.provider() + " rate limit is reached" + type + "; retry after the time given.",
                    e.retryAfter() == null ? 10 : Math.max(1, (e.retryAfter().toMillis() + 999) / 1000));
            case UNAVAILABLE, TIMEOUT -> new ProblemException(503, "ai-unavailable", "AI provider unavailable",
                    e.provider() + (e.failure() == AiProviderException.Failure.TIMEOUT ? " did not answer in time"
                            : " is unavailable" + (e.status() > 0 ? " (" + e.status() + ")" : "") + type) + "; retry later.")
                    .retryAfter(e.retryAfter() == null ? 5 : (e.retryAfter().toMillis() + 999) / 1000);
            case BILLING -> new ProblemException(502, "ai-provider-billing", "AI provider refused for billing",
                    "The " + e.provider() + " account cannot be charged" + type + ": its plan or spend limit is exhausted.");
            case UNAUTHORIZED -> new ProblemException(502, "ai-provider-unauthorized", "AI provider refused the key",
                    "The " + e.provider() + " key was refused with " + e.status() + type
                            + ": check the tenant's vault entry or the platform's variable.");
            case REJECTED -> new ProblemException(502, "ai-provider-rejected", "AI provider refused the request",
                    "The " + e.provider() + " API refused the request with " + e.status() + type + ".");
        };
    }

    private static ProblemException unavailable(List<? extends Keyed<?>> tried, Duration retryAfter) {
        return new ProblemException(503, "ai-unavailable", "AI provider unavailable",
                tried.stream().map(Keyed::name).collect(Collectors.joining(" and "))
                        + " cannot be called now (circuit open after repeated failures); retry later.")
                .retryAfter(retryAfter == null ? 30 : retryAfter.toSeconds());
    }

    private static ProblemException notConfigured(String variables, String providers) {
        return new ProblemException(503, "ai-not-configured", "AI not configured",
                "No AI provider key for this tenant: set " + variables + ", or store the tenant's own key in the vault ("
                        + providers + ", field apiKey).");
    }

    @Override
    public void destroy() {
        pool.shutdownNow();
    }
}
