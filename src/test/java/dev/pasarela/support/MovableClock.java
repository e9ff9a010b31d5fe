package dev.pasarela.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A UTC clock a test moves: either standing at an instant ({@link #at}) or running with the system
 * clock plus an offset ({@link #running}), for code that waits on real time and on the clock both.
 */
public final class MovableClock extends Clock {

    private final boolean runs;
    private volatile Instant base;
    private volatile Duration offset = Duration.ZERO;

    private MovableClock(Instant base, boolean runs) {
        this.base = base;
        this.runs = runs;
    }

    /** Stands at {@code now} until moved. */
    public static MovableClock at(Instant now) {
        return new MovableClock(now, false);
    }

    /** The system clock, plus however far the test moved it. */
    public static MovableClock running() {
        return new MovableClock(null, true);
    }

    public MovableClock advance(Duration by) {
        offset = offset.plus(by);
        return this;
    }

    /** Stands at (or, running, is shifted to) {@code now}. */
    public void set(Instant now) {
        if (runs) {
            offset = Duration.between(Instant.now(), now);
        } else {
            base = now;
            offset = Duration.ZERO;
        }
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return (runs ? Instant.now() : base).plus(offset);
    }
}
