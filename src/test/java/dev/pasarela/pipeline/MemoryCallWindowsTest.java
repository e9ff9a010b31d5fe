package dev.pasarela.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A call is in its key's window from its entry until a second after it left; the rate bounds how many are in. */
class MemoryCallWindowsTest {

    final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
    final MemoryCallWindows windows = new MemoryCallWindows(nanos::get);

    @Test
    void callsInFlightAndCallsThatLeftLessThanASecondAgoCountAgainstTheRate() {
        CallWindows.Admission first = windows.enter("number-a", 2);
        CallWindows.Admission second = windows.enter("number-a", 2);
        assertThat(first.granted()).isTrue();
        assertThat(second.granted()).isTrue();
        CallWindows.Admission full = windows.enter("number-a", 2);
        assertThat(full.granted()).isFalse();
        assertThat(full.retryIn()).as("both in flight: a second after an answer at the soonest")
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(windows.enter("number-b", 2).granted()).as("another key").isTrue();

        nanos.addAndGet(Duration.ofMillis(200).toNanos());
        first.call().leave();
        first.call().leave(); // twice: counted once
        nanos.addAndGet(Duration.ofMillis(300).toNanos());
        CallWindows.Admission afterLeaving = windows.enter("number-a", 2);
        assertThat(afterLeaving.granted()).as("left, but less than a second ago").isFalse();
        assertThat(afterLeaving.retryIn()).as("a second after it left").isEqualTo(Duration.ofMillis(700));
        nanos.addAndGet(Duration.ofMillis(699).toNanos());
        assertThat(windows.enter("number-a", 2).granted()).as("a millisecond early").isFalse();
        nanos.addAndGet(Duration.ofMillis(1).toNanos());
        CallWindows.Admission then = windows.enter("number-a", 2);
        assertThat(then.granted()).as("a second after the first call left").isTrue();
        assertThat(windows.enter("number-a", 2).granted()).as("the second call and this one are in").isFalse();
    }
}
