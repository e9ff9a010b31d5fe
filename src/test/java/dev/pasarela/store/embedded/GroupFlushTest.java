package dev.pasarela.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupFlushTest {

    final GroupFlush flush = new GroupFlush();
    final ExecutorService threads = Executors.newCachedThreadPool();
    /** Flushes begun, in order; each caller notes how many had begun when it was let go. */
    final AtomicInteger begun = new AtomicInteger();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    CompletableFuture<Integer> commit(GroupFlush.Flush write) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                flush.awaitDurable(() -> {
                    begun.incrementAndGet();
                    write.run();
                });
                return begun.get();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, threads);
    }

    @Test
    void aLoneCommitIsWrittenByItsOwnFlush() throws Exception {
        flush.awaitDurable(begun::incrementAndGet);
        flush.awaitDurable(begun::incrementAndGet);
        assertThat(begun.get()).as("a flush for each: none was running").isEqualTo(2);
        assertThat(flush.flushes()).isEqualTo(2);
        assertThat(flush.callers()).isEqualTo(2);
    }

    @Test
    void commitsArrivingDuringAFlushWaitForTheNextOneAndShareIt() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Integer> first = commit(() -> {
            writing.countDown();
            block(release);
        });
        assertThat(writing.await(30, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<Integer>> during = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            during.add(commit(() -> { }));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> flush.callers() == 6);
        assertThat(during).as("the flush under way began before they committed").noneMatch(CompletableFuture::isDone);

        release.countDown();
        assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        for (CompletableFuture<Integer> c : during) {
            assertThat(c.get(30, TimeUnit.SECONDS)).as("let go after the second flush").isEqualTo(2);
        }
        assertThat(flush.flushes()).as("one flush for the five that arrived together").isEqualTo(2);
    }

    @Test
    void aFailedFlushFailsItsCallerOnlyAndTheWaitingOnesGetAnother() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Integer> failing = commit(() -> {
            writing.countDown();
            block(release);
            throw new SQLException("disk full");
        });
        assertThat(writing.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Integer> waiting = commit(() -> { });
        await().atMost(Duration.ofSeconds(30)).until(() -> flush.callers() == 2);

        release.countDown();
        assertThatThrownBy(() -> failing.get(30, TimeUnit.SECONDS)).hasRootCauseMessage("disk full");
        assertThat(waiting.get(30, TimeUnit.SECONDS)).as("written by a flush of its own").isEqualTo(2);
        assertThat(flush.flushes()).as("the flushes that wrote").isEqualTo(1);
    }

    static void block(CountDownLatch latch) throws SQLException {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new SQLException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException(e);
        }
    }
}
