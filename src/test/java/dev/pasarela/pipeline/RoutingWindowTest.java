package dev.pasarela.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Routings submitted within a window run together on one thread, none twice, none left behind. */
class RoutingWindowTest {

    @Test
    void routingsFromManyThreadsEachRunOnceOnTheWindowsOwnThread() throws Exception {
        int senders = 8;
        int each = 200;
        Set<Integer> ran = ConcurrentHashMap.newKeySet();
        AtomicInteger runs = new AtomicInteger();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch done = new CountDownLatch(senders * each);
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        try (RoutingWindow window = new RoutingWindow(Duration.ofNanos(200_000))) {
            for (int s = 0; s < senders; s++) {
                int sender = s;
                pool.execute(() -> {
                    for (int i = 0; i < each; i++) {
                        int id = sender * each + i;
                        window.submit(() -> {
                            runs.incrementAndGet();
                            ran.add(id);
                            threads.add(Thread.currentThread().getName());
                            done.countDown();
                        }, null);
                    }
                });
            }
            assertThat(done.await(10, TimeUnit.SECONDS)).as("every routing ran").isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertThat(runs).as("none ran twice").hasValue(senders * each);
        assertThat(ran).hasSize(senders * each);
        assertThat(threads).containsExactly("broker-side-routing");
    }

    @Test
    void routingsWaitForTheirWindowThenRunTogetherOnOneThread() throws Exception {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch ran = new CountDownLatch(3);
        try (RoutingWindow window = new RoutingWindow(Duration.ofSeconds(2))) {
            for (int i = 0; i < 3; i++) {
                window.submit(() -> {
                    threads.add(Thread.currentThread().getName());
                    ran.countDown();
                }, null);
            }
            assertThat(ran.getCount()).as("none before the window has passed").isEqualTo(3);
            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(threads).containsExactly("broker-side-routing");
    }

    /** As the broker's journal runs them (JournalAppendExecutor): a window's routings, in turn, on its thread. */
    @Test
    void aWindowsRoutingsRunTogetherOnTheExecutorGivenWithItsFirst() throws Exception {
        ExecutorService journal = Executors.newSingleThreadExecutor(task -> new Thread(task, "journal-append"));
        AtomicInteger handedOver = new AtomicInteger();
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(3);
        try (RoutingWindow window = new RoutingWindow(Duration.ofSeconds(2))) { // all three within it
            for (int i = 0; i < 3; i++) {
                int id = i;
                window.submit(() -> {
                    ran.add(id + "@" + Thread.currentThread().getName());
                    done.countDown();
                }, run -> {
                    handedOver.incrementAndGet();
                    journal.execute(run);
                });
            }
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            journal.shutdownNow();
        }
        assertThat(ran).containsExactly("0@journal-append", "1@journal-append", "2@journal-append");
        assertThat(handedOver).as("one run for the window").hasValue(1);
    }

    /** A broker stopping shuts its pool down: what its window holds still runs, and answers its senders. */
    @Test
    void anExecutorThatRefusesTheWindowsRunLeavesItToTheWindowsThread() throws Exception {
        ExecutorService stopped = Executors.newSingleThreadExecutor();
        stopped.shutdown();
        AtomicReference<String> ranOn = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        try (RoutingWindow window = new RoutingWindow(Duration.ofMillis(1))) {
            window.submit(() -> {
                ranOn.set(Thread.currentThread().getName());
                done.countDown();
            }, stopped);
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(ranOn).hasValue("broker-side-routing");
    }

    @Test
    void aRoutingThatThrowsDoesNotKeepTheNextOnesFromRunning() throws Exception {
        CountDownLatch after = new CountDownLatch(1);
        try (RoutingWindow window = new RoutingWindow(Duration.ofMillis(50))) {
            window.submit(() -> {
                throw new AssertionError("a routing that fails");
            }, null);
            window.submit(after::countDown, null);
            assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aRoutingWaitsForItsWindowNotForAnotherSubmission() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        try (RoutingWindow window = new RoutingWindow(Duration.ofMillis(1))) {
            window.submit(ran::countDown, null);
            assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
            CountDownLatch again = new CountDownLatch(1);
            window.submit(again::countDown, null); // the window after a run is scheduled anew
            assertThat(again.await(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void withNoWindowARoutingRunsOnTheThreadThatSubmitsIt() {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        try (RoutingWindow window = new RoutingWindow(Duration.ZERO)) {
            window.submit(() -> ranOn.set(Thread.currentThread()), null);
        }
        assertThat(ranOn).hasValue(Thread.currentThread());
    }

    @Test
    void closingRunsWhatWaitsAndLaterRoutingsRunOnTheirSenders() {
        AtomicReference<Thread> waiting = new AtomicReference<>();
        AtomicReference<Thread> later = new AtomicReference<>();
        RoutingWindow window = new RoutingWindow(Duration.ofSeconds(30)); // a window no test waits for
        window.submit(() -> waiting.set(Thread.currentThread()), null);
        assertThat(waiting).hasValue(null);

        window.close();
        assertThat(waiting).as("run by the close, not 30 s later").hasValue(Thread.currentThread());

        window.submit(() -> later.set(Thread.currentThread()), null);
        assertThat(later).hasValue(Thread.currentThread());
    }
}
