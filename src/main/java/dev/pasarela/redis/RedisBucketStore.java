package dev.pasarela.redis;

import dev.pasarela.pipeline.BucketStore;
import dev.pasarela.pipeline.CallWindows;
import dev.pasarela.pipeline.MemoryBucketStore;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buckets in Redis, shared by every replica: Bucket4j's Lettuce compare-and-swap buckets on the
 * gateway's one Redis client, keys {@code <prefix><limit>:<key>}, each forgotten by Redis once it
 * is full again (a bucket in debt for reserved slots lives until they are due). {@link CallWindows}
 * too, one sorted set per key ({@code <prefix><limit>:window:<key>}) whose members are calls scored
 * by when they leave, on Redis's clock ({@code TIME}), so the replicas' clocks need not agree on it.
 *
 * <p>When Redis cannot be reached every limit falls back to this replica's own buckets
 * ({@link MemoryBucketStore}) rather than refusing or waiting: each replica then holds the limit
 * alone, so N replicas allow up to N times it (docs/scale-out.md, "When Redis is down"). Commands
 * and connection attempts time out after {@code redisTimeout}; a circuit breaker stops asking a
 * Redis that keeps failing for {@code redisRetryAfter}, so an outage costs no timeout per message.
 * Each fallback is counted in {@code pasarela.limits.fallback{limit}}; the outage is logged once when
 * the breaker opens and once when Redis answers again.
 */
public final class RedisBucketStore implements BucketStore, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisBucketStore.class);
    /** How long Redis keeps a full bucket nobody touched: it would be created the same again. */
    private static final Duration KEEP_FULL = Duration.ofSeconds(10);
    /**
     * KEYS[1] the window, ARGV rate, call id, lease ms. Forgets the calls that left more than a second
     * ago; enters the call, leaving by its lease unless it leaves sooner, when fewer than the rate are
     * in (answers 0); else answers the ms until the first can leave: a second after the earliest
     * that left, or (all in flight, scored by their lease) a second from now at the soonest.
     */
    private static final String ENTER = """
            local t = redis.call('TIME')
            local now = t[1] * 1000 + math.floor(t[2] / 1000)
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 1000)
            if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
              redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
              redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) + 1000)
              return 0
            end
            local first = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
            return math.max(1, math.min(first, now) + 1000 - now)
            """;
    /** KEYS[1] the window, ARGV call id: the call left now (if it is still in: its lease may have run out). */
    private static final String LEAVE = """
            local t = redis.call('TIME')
            local now = t[1] * 1000 + math.floor(t[2] / 1000)
            redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
            if redis.call('PTTL', KEYS[1]) < 1000 then
              redis.call('PEXPIRE', KEYS[1], 1000)
            end
            return 0
            """;

    private final RedisClient client;
    private final RedisURI uri;
    private final String keyPrefix;
    /** Call ids: unique across replicas by the random part, within this one by the count. */
    private final String callIds = UUID.randomUUID() + ":";
    private final AtomicLong calls = new AtomicLong();
    private final String where;
    private final Duration timeout;
    private final MeterRegistry meters;
    private final CircuitBreaker breaker;
    private final MemoryBucketStore fallback = new MemoryBucketStore();
    private final AtomicReference<Throwable> lastFailure = new AtomicReference<>();
    private volatile ProxyManager<byte[]> proxies;
    private final java.util.concurrent.locks.ReentrantLock connecting = new java.util.concurrent.locks.ReentrantLock();
    private StatefulRedisConnection<byte[], byte[]> connection;

    public RedisBucketStore(String redisUrl, Duration timeout, Duration retryAfter, MeterRegistry meters) {
        this(redisUrl, "pasarela:", timeout, retryAfter, meters);
    }

    /** {@code keyPrefix} starts every key: gateways of different installations sharing one Redis use different ones. */
    public RedisBucketStore(String redisUrl, String keyPrefix, Duration timeout, Duration retryAfter,
                            MeterRegistry meters) {
        this.uri = RedisURI.create(redisUrl);
        this.keyPrefix = keyPrefix;
        this.uri.setTimeout(timeout);
        this.where = redisUrl.replaceAll("//[^@/]*@", "//***@"); // never the password
        this.timeout = timeout;
        this.meters = meters;
        this.client = RedisClient.create();
        this.client.setOptions(ClientOptions.builder()
                // while the connection is down a command fails at once instead of queuing until its timeout
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        this.breaker = CircuitBreaker.of("redis-buckets", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(10).minimumNumberOfCalls(3).failureRateThreshold(50)
                .waitDurationInOpenState(retryAfter)
                .permittedNumberOfCallsInHalfOpenState(1)
                .build());
        breaker.getEventPublisher().onError(e -> lastFailure.set(e.getThrowable()));
        breaker.getEventPublisher().onStateTransition(e -> {
            switch (e.getStateTransition().getToState()) {
                case OPEN -> {
                    if (e.getStateTransition().getFromState() == CircuitBreaker.State.CLOSED) {
                        log.warn("Redis at {} is not answering ({}): every limit uses this replica's own buckets until"
                                + " it does (pasarela.limits.fallback)", where, describe(lastFailure.get()));
                    }
                }
                case CLOSED -> log.info("Redis at {} answers again: limits are shared by the replicas", where);
                default -> { }
            }
        });
        try {
            proxies();
            log.info("Limits shared through Redis at {}", where);
        } catch (RuntimeException e) {
            log.warn("Redis at {} cannot be reached now ({}): every limit uses this replica's own buckets until it"
                    + " can", where, describe(e));
        }
    }

    @Override
    public Buckets buckets(String limit) {
        Buckets local = fallback.buckets(limit);
        Counter fallbacks = fallbacks(limit);
        String prefix = keyPrefix + limit + ":";
        return new Buckets() {
            @Override
            public <T> T apply(String key, BucketConfiguration configuration, Function<Bucket, T> operation) {
                byte[] redisKey = (prefix + key).getBytes(StandardCharsets.UTF_8);
                try {
                    return breaker.executeSupplier(() ->
                            operation.apply(proxies().builder().build(redisKey, () -> configuration)));
                } catch (RuntimeException unavailable) {
                    fallbacks.increment();
                    return local.apply(key, configuration, operation);
                }
            }

            @Override
            public void keep(String key) {
                local.keep(key);
            }
        };
    }

    @Override
    public CallWindows windows(String limit) {
        CallWindows local = fallback.windows(limit);
        Counter fallbacks = fallbacks(limit);
        String prefix = keyPrefix + limit + ":window:";
        byte[] lease = Long.toString(CallWindows.LEASE.toMillis()).getBytes(StandardCharsets.UTF_8);
        return (key, rate) -> {
            byte[][] window = {(prefix + key).getBytes(StandardCharsets.UTF_8)};
            byte[] id = (callIds + calls.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
            long wait;
            try {
                wait = breaker.executeSupplier(() -> connection().sync().<Long>eval(ENTER, ScriptOutputType.INTEGER,
                        window, Long.toString(rate).getBytes(StandardCharsets.UTF_8), id, lease));
            } catch (RuntimeException unavailable) {
                fallbacks.increment();
                // Redis may have run the script and only its answer came late (a timeout): that place
                // would stay taken for the lease, so it is removed, right after the script on the connection
                afterOutage(unavailable, redis -> redis.zrem(window[0], id));
                return local.enter(key, rate);
            }
            if (wait > 0) {
                return CallWindows.Admission.full(Duration.ofMillis(wait));
            }
            return CallWindows.Admission.granted(() -> {
                try {
                    breaker.executeSupplier(() -> connection().sync().<Long>eval(LEAVE, ScriptOutputType.INTEGER,
                            window, id));
                } catch (RuntimeException unavailable) {
                    fallbacks.increment();
                    // sent again behind the late one; when the connection is gone, the call leaves by its lease
                    afterOutage(unavailable, redis -> redis.eval(LEAVE, ScriptOutputType.INTEGER, window, id));
                }
            });
        };
    }

    /**
     * A command sent after one that failed, not waited for, on the connection there is (never a new
     * one): on a live connection it runs right after the failed one, which Redis may have run though
     * its answer came too late; a disconnected connection rejects it at once (REJECT_COMMANDS). Only
     * after a command that may have reached Redis: while the breaker is open, none was sent.
     */
    private void afterOutage(RuntimeException failure, Consumer<RedisAsyncCommands<byte[], byte[]>> command) {
        StatefulRedisConnection<byte[], byte[]> current = proxies == null ? null : connection;
        if (current == null || failure instanceof CallNotPermittedException) {
            return;
        }
        try {
            command.accept(current.async());
        } catch (RuntimeException notQueued) {
            // the lease frees the place instead
        }
    }

    private Counter fallbacks(String limit) {
        return Counter.builder("pasarela.limits.fallback").tag("limit", limit)
                .description("operations on a limit's buckets done on this replica's own because Redis did not answer")
                .register(meters);
    }

    /** The one connection, connected as {@link #proxies()} does. */
    private StatefulRedisConnection<byte[], byte[]> connection() {
        proxies();
        return connection;
    }

    /**
     * Connects on first use, or again after a failed attempt; once connected Lettuce reconnects by
     * itself. One caller connects at a time; the others fall back at once rather than queue behind
     * its connect timeout.
     */
    private ProxyManager<byte[]> proxies() {
        ProxyManager<byte[]> ready = proxies;
        if (ready != null) {
            return ready;
        }
        if (!connecting.tryLock()) {
            throw new IllegalStateException("another caller is connecting to Redis");
        }
        try {
            if (proxies == null) {
                connection = client.connect(ByteArrayCodec.INSTANCE, uri);
                proxies = Bucket4jLettuce.casBasedBuilder(connection)
                        .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_FULL))
                        .requestTimeout(timeout)
                        .build();
            }
            return proxies;
        } finally {
            connecting.unlock();
        }
    }

    private static String describe(Throwable e) {
        return e == null ? "no answer" : e.getClass().getSimpleName(); // a message may quote the URL
    }

    @Override
    public void close() {
        connecting.lock();
        try {
            if (connection != null) {
                connection.close();
            }
        } finally {
            connecting.unlock();
        }
        client.shutdown(0, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
