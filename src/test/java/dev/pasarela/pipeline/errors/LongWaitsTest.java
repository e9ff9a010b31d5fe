package dev.pasarela.pipeline.errors;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which waiting queue a message due later goes to, and how many moves a long wait takes. */
class LongWaitsTest {

    static final long W = 10_000;

    @Test
    void dueWithinTheHorizonItIsScheduledOnItsOwnQueue() {
        assertThat(LongWaits.waitingQueue(-5, W)).as("already due").isEqualTo(-1);
        assertThat(LongWaits.waitingQueue(0, W)).isEqualTo(-1);
        assertThat(LongWaits.waitingQueue(W, W)).isEqualTo(-1);
    }

    @Test
    void laterItWaitsOnTheLongestQueueThatDoesNotPassItsDueTime() {
        assertThat(LongWaits.waitingQueue(W + 1, W)).isZero();
        assertThat(LongWaits.waitingQueue(2 * W - 1, W)).isZero();
        assertThat(LongWaits.waitingQueue(2 * W, W)).isEqualTo(1);
        assertThat(LongWaits.waitingQueue(4 * W - 1, W)).isEqualTo(1);
        assertThat(LongWaits.waitingQueue(3_600_000, W)).as("an hour: 2,560 s").isEqualTo(8);
        assertThat(LongWaits.delay(8, W)).isEqualTo(2_560_000);
        assertThat(LongWaits.waitingQueue(30L * 24 * 3_600_000, W)).as("a post a month ahead: the longest queue")
                .isEqualTo(LongWaits.WAITING_QUEUES - 1);
        for (long remaining = W + 1; remaining < 40 * W; remaining += 997) {
            int n = LongWaits.waitingQueue(remaining, W);
            assertThat(LongWaits.delay(n, W)).isLessThanOrEqualTo(remaining).isGreaterThan(remaining / 2);
        }
    }

    @Test
    void aWaitOfAnHourTakesAFewMovesAndAMonthAFewHundred() {
        assertThat(moves(3_600_000)).isLessThanOrEqualTo(LongWaits.WAITING_QUEUES);
        assertThat(moves(30L * 24 * 3_600_000)).isLessThan(520); // one each 5,120 s, then at most ten
    }

    private static int moves(long remaining) {
        int moves = 0;
        for (int n = LongWaits.waitingQueue(remaining, W); n >= 0; n = LongWaits.waitingQueue(remaining, W)) {
            remaining -= LongWaits.delay(n, W);
            moves++;
        }
        assertThat(remaining).isBetween(0L, W);
        return moves;
    }
}
