package dev.pasarela.pipeline;

import java.time.Duration;

/**
 * At most {@code rate} calls of one key in any second, as the called side counts them: a call is in
 * its key's window from before its request leaves until a second after its answer came, and a call
 * enters only while fewer than {@code rate} are in. Whenever the provider saw a request, it was
 * between that call's entry and its answer, so any second of the provider's holds at most the rate.
 * A rate counted at the slot alone cannot promise that: a call held after its slot (a stalled process,
 * a slow connection) reaches the provider together with the next ones.
 *
 * <p>The price is a second plus the call's own time per slot: a key sending flat out makes
 * {@code rate / (1 + call seconds)} calls a second (98 % of the rate for a 20 ms call, 83 % for 200 ms).
 */
public interface CallWindows {

    /**
     * How long a call may stay in a window without leaving it: longer than any provider call takes
     * with its timeouts, so a replica killed during a call frees its place after this.
     */
    Duration LEASE = Duration.ofSeconds(30);

    /** A granted call ({@link Admission#call()} not null), or how long until a call can leave the window. */
    record Admission(Call call, Duration retryIn) {

        public static Admission granted(Call call) {
            return new Admission(call, Duration.ZERO);
        }

        public static Admission full(Duration retryIn) {
            return new Admission(null, retryIn);
        }

        public boolean granted() {
            return call != null;
        }
    }

    /** A call in its window. */
    interface Call {
        /** Its answer came (or it failed): it leaves the window a second from now. Never throws. */
        void leave();
    }

    /**
     * Enters the key's window, or answers how long until one of the calls in it can leave (a lower
     * bound: nothing is let in sooner). A shared store that cannot be reached enters this JVM's window.
     */
    Admission enter(String key, long rate);
}
