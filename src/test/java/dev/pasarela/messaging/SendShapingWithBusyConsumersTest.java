package dev.pasarela.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pasarela.pipeline.BucketStore;
import dev.pasarela.pipeline.CallWindows;
import dev.pasarela.pipeline.MemoryBucketStore;
import dev.pasarela.pipeline.errors.ErrorHandling;
import dev.pasarela.redis.RedisBucketStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One number's sends through the shaping of two replicas sharing Redis (and of one replica in
 * memory), at a provider stand-in that counts when each request reached it. No second of the stand-in
 * may hold more than the rate:
 * <ul>
 * <li>when the stand-in answers nothing for a while, as a cold Graph stand-in did in ScaleOutE2ETest:
 * every consumer ends up waiting on it, so the messages put back for their slots come back late, all
 * at once, and must take new slots rather than go out in a bunch;
 * <li>when calls are held on their way to the stand-in after their slot (a stalled process, a slow
 * connection), as ScaleOutE2ETest's replicas were on two busy cores: calls that left at their slots
 * then reach the provider together, which the slots alone let through (7 and 8 in a second at rate 5).
 * </ul>
 */
class SendShapingWithBusyConsumersTest {

    static final String REDIS = System.getProperty("pasarela.test.redis-url", "redis://127.0.0.1:6379");
    static final int RATE = 10;
    static final int SENDS = 24;
    static final int CONSUMERS_PER_REPLICA = 2;
    /** Long enough for several slots to pass while every consumer waits on the stand-in. */
    static final Duration STALL = Duration.ofMillis(1200);
    /** The longest a call is held on its way to the stand-in: several slots. */
    static final int MOST_HELD_MS = 700;
    /** Set on a message put back after its call was held for it: it is not put back again (as COUNTED_FOR). */
    static final String PUT_BACK = "putBack";

    final String sender = "wtshaping-" + UUID.randomUUID();
    final DefaultCamelContext camel = new DefaultCamelContext();
    final List<AutoCloseable> closing = new ArrayList<>();
    /** Arrival instants at the provider stand-in (epoch millis), as Graph would count them. */
    final List<Long> arrivals = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch answering = new CountDownLatch(1);
    /** The queue: messages ready for a consumer, and the broker's timer for those due later. */
    final BlockingQueue<Map<String, Object>> ready = new LinkedBlockingQueue<>();
    final ScheduledExecutorService broker = Executors.newSingleThreadScheduledExecutor();
    /** The way to the stand-in: a call arrives there when it was held for its time on the way. */
    final ScheduledExecutorService network = Executors.newSingleThreadScheduledExecutor();
    final ExecutorService consumers = Executors.newCachedThreadPool();
    /** How long the next call is held on its way to the stand-in, ms. */
    volatile java.util.function.IntSupplier heldOnTheWay = () -> 0;

    @AfterEach
    void stop() throws Exception {
        answering.countDown();
        consumers.shutdownNow();
        broker.shutdownNow();
        network.shutdownNow();
        consumers.awaitTermination(5, TimeUnit.SECONDS);
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    @Test
    void twoReplicasOnRedisHoldTheRateWhenPutBackMessagesComeBackLate() throws Exception {
        RedisClient cleaner = RedisClient.create(REDIS);
        closing.add(() -> {
            try (StatefulRedisConnection<String, String> c = cleaner.connect()) {
                c.sync().del("pasarela:send:whatsapp|" + sender + "|" + RATE);
            }
            cleaner.shutdown();
        });
        runAgainstAStallingProvider(List.of(redis(), redis()));
    }

    @Test
    void oneReplicaInMemoryHoldsTheRateWhenPutBackMessagesComeBackLate() throws Exception {
        runAgainstAStallingProvider(List.of(new MemoryBucketStore()));
    }

    @Test
    void twoReplicasOnRedisHoldTheRateAtTheProviderWhenCallsAreHeldOnTheWay() throws Exception {
        RedisClient cleaner = RedisClient.create(REDIS);
        closing.add(() -> {
            try (StatefulRedisConnection<String, String> c = cleaner.connect()) {
                c.sync().del("pasarela:send:whatsapp|" + sender + "|" + RATE,
                        "pasarela:send:window:whatsapp|" + sender + "|" + RATE);
            }
            cleaner.shutdown();
        });
        java.util.Random random = new java.util.Random(42);
        heldOnTheWay = () -> random.nextInt(MOST_HELD_MS);
        answering.countDown();
        run(List.of(redis(), redis()));
    }

    @Test
    void oneReplicaInMemoryHoldsTheRateAtTheProviderWhenCallsAreHeldOnTheWay() throws Exception {
        java.util.Random random = new java.util.Random(42);
        heldOnTheWay = () -> random.nextInt(MOST_HELD_MS);
        answering.countDown();
        run(List.of(new MemoryBucketStore()));
    }

    RedisBucketStore redis() {
        RedisBucketStore store = new RedisBucketStore(REDIS, Duration.ofMillis(500), Duration.ofSeconds(5),
                new SimpleMeterRegistry());
        closing.add(store);
        return store;
    }

    void runAgainstAStallingProvider(List<BucketStore> replicas) {
        broker.schedule(answering::countDown, STALL.toMillis(), TimeUnit.MILLISECONDS);
        run(replicas);
    }

    void run(List<BucketStore> replicas) {
        for (int i = 0; i < SENDS; i++) {
            ready.add(Map.of("id", i));
        }
        for (BucketStore store : replicas) {
            SenderShaping shaping = new SenderShaping(new SimpleMeterRegistry(), store);
            for (int c = 0; c < CONSUMERS_PER_REPLICA; c++) {
                consumers.submit(() -> consume(shaping));
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> arrivals.size() >= SENDS);
        List<Long> sorted = arrivals.stream().sorted().toList();
        assertThat(sorted).hasSize(SENDS);
        int most = 0;
        for (int i = 0; i < sorted.size(); i++) {
            long from = sorted.get(i);
            most = (int) Math.max(most, sorted.stream().filter(t -> t >= from && t < from + 1000).count());
        }
        List<Long> offsets = sorted.stream().map(t -> t - sorted.get(0)).toList();
        assertThat(most).as("sends in a sliding second; arrivals (ms after the first) %s", offsets)
                .isLessThanOrEqualTo(RATE);
    }

    /** A consumer of the route: shape, then either back on the queue (due later) or the provider call. */
    Void consume(SenderShaping shaping) throws InterruptedException {
        while (!Thread.currentThread().isInterrupted()) {
            Map<String, Object> message = ready.poll(100, TimeUnit.MILLISECONDS);
            if (message == null) {
                continue;
            }
            Exchange exchange = new DefaultExchange(camel);
            exchange.getIn().setHeaders(new HashMap<>(message));
            exchange.setVariable(OutboundSteps.SENDER, sender);
            shaping.shape(exchange, "whatsapp", RATE);
            boolean shapedLater = exchange.getProperty(SenderShaping.LATER) != null;
            CallWindows.Call call = shapedLater ? null
                    : shaping.holdCall(exchange, "whatsapp", !message.containsKey(PUT_BACK));
            if (call == null) {
                Map<String, Object> putBack = new HashMap<>(exchange.getIn().getHeaders());
                if (!shapedLater) {
                    putBack.put(PUT_BACK, true); // put back at the call: once, as OutboundSteps does
                }
                long due = (Long) putBack.get(ErrorHandling.SCHEDULED_DELIVERY);
                broker.schedule(() -> ready.add(putBack), due - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
            } else {
                try {
                    // the consumer holds its call while the request is on its way and until it is answered
                    network.schedule(() -> arrivals.add(System.currentTimeMillis()), heldOnTheWay.getAsInt(),
                            TimeUnit.MILLISECONDS).get();
                    answering.await(); // the stand-in took the request and answers once it is warm
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException(e);
                } finally {
                    call.leave();
                }
            }
        }
        return null;
    }
}
