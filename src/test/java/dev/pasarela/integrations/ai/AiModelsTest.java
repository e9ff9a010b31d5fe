package dev.pasarela.integrations.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.pasarela.api.ProblemException;
import dev.pasarela.security.CredentialVault;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Retries, failover, the breaker and the pool of {@link AiModels}, with scripted providers: what each
 * provider answers is a list of outcomes, so the policy is what is tested, not a stand-in.
 */
class AiModelsTest {

    static final Function<String, ChatCall> CALL = provider -> new ChatCall("Eres un asistente.",
            List.of(ChatCall.Turn.user("Hola")), null, provider + "-model", 0, 50, Duration.ofSeconds(5));

    /** Answers with the next scripted outcome: a ChatResult, or an AiProviderException to throw. */
    static final class Scripted implements ChatProvider {
        final String name;
        final List<Object> outcomes = new ArrayList<>();
        final AtomicInteger calls = new AtomicInteger();
        CountDownLatch hold;

        Scripted(String name) {
            this.name = name;
        }

        Scripted then(Object... next) {
            outcomes.addAll(List.of(next));
            return this;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public ChatResult chat(String apiKey, ChatCall call) {
            int n = calls.getAndIncrement();
            if (hold != null) {
                try {
                    hold.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Object o = outcomes.isEmpty() ? ok(name) : outcomes.get(Math.min(n, outcomes.size() - 1));
            if (o instanceof AiProviderException e) {
                throw e;
            }
            return (ChatResult) o;
        }
    }

    static ChatResult ok(String provider) {
        return new ChatResult(provider, provider + "-model", "Claro.", new TokenUsage(10, 2), false, false);
    }

    static AiProviderException failure(String provider, AiProviderException.Failure f, int status, Duration retryAfter) {
        return new AiProviderException(provider, f, status, null, retryAfter, null);
    }

    final CredentialVault vault = mock(CredentialVault.class);
    final List<AiModels> built = new ArrayList<>();

    AiModels models(boolean failover, int threads, int queue, ChatProvider... providers) {
        AiProperties properties = new AiProperties("openai", failover, 8000,
                new AiProperties.OpenAi("http://127.0.0.1:9/v1", "text-embedding-3-small", "omni-moderation-latest",
                        Duration.ofSeconds(5)),
                new AiProperties.Anthropic("http://127.0.0.1:9", "2023-06-01"),
                Map.of(UseCase.SENTIMENT, new AiProperties.ModelSettings("gpt-4o-mini", "claude-haiku-4-5", 0.0, 50,
                        Duration.ofSeconds(5))),
                new AiProperties.Retry(3, Duration.ofMillis(1), Duration.ofSeconds(2), Duration.ofSeconds(30)),
                new AiProperties.Breaker(Duration.ofMinutes(5)), new AiProperties.Pool(threads, queue), 1);
        AiModels m = new AiModels(List.of(providers), List.of(), List.of(), vault, properties, new SimpleMeterRegistry());
        built.add(m);
        return m;
    }

    void keys(String... providers) {
        when(vault.credentials(anyString(), anyString())).thenReturn(Optional.empty());
        for (String p : providers) {
            when(vault.credentials(anyString(), org.mockito.ArgumentMatchers.eq(p)))
                    .thenReturn(Optional.of(Map.of("apiKey", "sk-" + p + "-test")));
        }
    }

    @AfterEach
    void close() {
        built.forEach(AiModels::destroy);
    }

    @Test
    void aProviderStillUnavailableAfterItsAttemptsFailsOverToTheOther() {
        keys("openai", "anthropic");
        Scripted openai = new Scripted("openai").then(failure("openai", AiProviderException.Failure.UNAVAILABLE, 503, null));
        Scripted anthropic = new Scripted("anthropic");

        ChatResult r = models(true, 2, 2, openai, anthropic).chat("t1", UseCase.SENTIMENT, CALL);

        assertThat(r.provider()).isEqualTo("anthropic");
        assertThat(openai.calls).hasValue(3);
        assertThat(anthropic.calls).hasValue(1);
    }

    @Test
    void aWaitLongerThanMaxWaitIsNotWaitedTheOtherProviderIsAskedAtOnce() {
        keys("openai", "anthropic");
        Scripted openai = new Scripted("openai").then(failure("openai", AiProviderException.Failure.RATE_LIMITED, 429,
                Duration.ofMinutes(6)));
        Scripted anthropic = new Scripted("anthropic");

        ChatResult r = models(true, 2, 2, openai, anthropic).chat("t1", UseCase.SENTIMENT, CALL);

        assertThat(r.provider()).isEqualTo("anthropic");
        assertThat(openai.calls).hasValue(1);
    }

    @Test
    void aTimeoutIsNotRetriedOnTheSameProvider() {
        keys("openai", "anthropic");
        Scripted openai = new Scripted("openai").then(failure("openai", AiProviderException.Failure.TIMEOUT, 0, null));
        Scripted anthropic = new Scripted("anthropic");

        assertThat(models(true, 2, 2, openai, anthropic).chat("t1", UseCase.SENTIMENT, CALL).provider()).isEqualTo("anthropic");
        assertThat(openai.calls).hasValue(1);
    }

    @Test
    void aRefusedKeyIsNeitherRetriedNorFailedOver() {
        keys("openai", "anthropic");
        Scripted openai = new Scripted("openai").then(failure("openai", AiProviderException.Failure.UNAUTHORIZED, 401, null));
        Scripted anthropic = new Scripted("anthropic");

        assertThatThrownBy(() -> models(true, 2, 2, openai, anthropic).chat("t1", UseCase.SENTIMENT, CALL))
                .isInstanceOfSatisfying(ProblemException.class, p -> {
                    assertThat(p.status()).isEqualTo(502);
                    assertThat(p.type()).isEqualTo("ai-provider-unauthorized");
                });
        assertThat(openai.calls).hasValue(1);
        assertThat(anthropic.calls).hasValue(0);
    }

    @Test
    void everyProviderRateLimitedIsA429WithTheLastWait() {
        keys("openai", "anthropic");
        Scripted openai = new Scripted("openai").then(failure("openai", AiProviderException.Failure.RATE_LIMITED, 429,
                Duration.ofMillis(5)));
        Scripted anthropic = new Scripted("anthropic").then(failure("anthropic", AiProviderException.Failure.RATE_LIMITED,
                429, Duration.ofSeconds(1)));

        assertThatThrownBy(() -> models(true, 2, 2, openai, anthropic).chat("t1", UseCase.SENTIMENT, CALL))
                .isInstanceOfSatisfying(ProblemException.class, p -> {
                    assertThat(p.status()).isEqualTo(429);
                    assertThat(p.type()).isEqualTo("ai-provider-rate-limited");
                    assertThat(p.retryAfterSeconds()).isEqualTo(1);
                });
    }

    @Test
    void theBreakerOpensOnOutagesButNotOnRateLimitsThatWereWaitedOut() {
        keys("openai");
        Scripted limited = new Scripted("openai").then(
                failure("openai", AiProviderException.Failure.RATE_LIMITED, 429, Duration.ofMillis(1)), ok("openai"),
                failure("openai", AiProviderException.Failure.RATE_LIMITED, 429, Duration.ofMillis(1)), ok("openai"),
                failure("openai", AiProviderException.Failure.RATE_LIMITED, 429, Duration.ofMillis(1)), ok("openai"),
                ok("openai"));
        AiModels m = models(true, 2, 2, limited);
        for (int i = 0; i < 4; i++) {
            assertThat(m.chat("t1", UseCase.SENTIMENT, CALL).provider()).isEqualTo("openai");
        }

        Scripted down = new Scripted("openai").then(failure("openai", AiProviderException.Failure.UNAVAILABLE, 503, null));
        AiModels failing = models(true, 2, 2, down);
        for (int i = 0; i < 2; i++) { // 3 attempts each: 6 failures recorded
            assertThatThrownBy(() -> failing.chat("t1", UseCase.SENTIMENT, CALL))
                    .isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.status()).isEqualTo(503));
        }
        int before = down.calls.get();
        assertThatThrownBy(() -> failing.chat("t1", UseCase.SENTIMENT, CALL))
                .isInstanceOfSatisfying(ProblemException.class, p -> {
                    assertThat(p.type()).isEqualTo("ai-unavailable");
                    assertThat(p.detail()).contains("circuit open");
                    assertThat(p.retryAfterSeconds()).isEqualTo(300);
                });
        assertThat(down.calls.get()).as("an open breaker calls nobody").isEqualTo(before);
    }

    @Test
    void callsBeyondThePoolAreRefusedAtOnceWithA503() throws Exception {
        keys("openai");
        Scripted slow = new Scripted("openai");
        slow.hold = new CountDownLatch(1);
        AiModels m = models(true, 1, 0, slow);
        ExecutorService callers = Executors.newSingleThreadExecutor();
        try {
            Future<ChatResult> first = callers.submit(() -> m.chat("t1", UseCase.SENTIMENT, CALL));
            while (slow.calls.get() == 0) {
                Thread.onSpinWait();
            }
            assertThatThrownBy(() -> m.chat("t1", UseCase.SENTIMENT, CALL))
                    .isInstanceOfSatisfying(ProblemException.class, p -> {
                        assertThat(p.status()).isEqualTo(503);
                        assertThat(p.type()).isEqualTo("ai-busy");
                        assertThat(p.retryAfterSeconds()).isPositive();
                    });
            slow.hold.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS).provider()).isEqualTo("openai");
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void withoutFailoverTheProviderThatHasAKeyIsUsed() {
        keys("anthropic");
        Scripted openai = new Scripted("openai");
        Scripted anthropic = new Scripted("anthropic").then(failure("anthropic", AiProviderException.Failure.UNAVAILABLE,
                529, null));
        AiModels m = models(false, 2, 2, openai, anthropic);

        assertThat(m.chatProviders("t1")).extracting(AiModels.Keyed::name).containsExactly("anthropic");
        assertThatThrownBy(() -> m.chat("t1", UseCase.SENTIMENT, CALL))
                .isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.status()).isEqualTo(503));
        assertThat(openai.calls).hasValue(0);
    }

    @Test
    void noKeyAnywhereIsA503NamingTheVariables() {
        keys();
        assertThatThrownBy(() -> models(true, 2, 2, new Scripted("openai")).chat("t1", UseCase.SENTIMENT, CALL))
                .isInstanceOfSatisfying(ProblemException.class, p -> {
                    assertThat(p.type()).isEqualTo("ai-not-configured");
                    assertThat(p.detail()).contains("OPENAI_API_KEY", "ANTHROPIC_API_KEY");
                });
    }

    @Test
    void anErrorOnThePoolIsA503NotA500() {
        keys("openai");
        AiModels m = models(true, 2, 2, new Scripted("openai"));
        assertThatThrownBy(() -> m.onPool(() -> {
            throw new UnsatisfiedLinkError("libonnxruntime.so");
        })).isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.status()).isEqualTo(503));
    }
}
