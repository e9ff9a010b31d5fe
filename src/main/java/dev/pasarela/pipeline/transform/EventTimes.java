package dev.pasarela.pipeline.transform;

import dev.pasarela.pipeline.errors.PermanentException;
import java.time.Instant;
import java.util.Optional;

/**
 * Provider timestamps → instants within what every store holds: Firestore's timestamps run from
 * 0001-01-01 to 9999-12-31, so anything outside (or a number too large for an {@link Instant}) is
 * refused here, naming the field, instead of failing as a {@link java.time.DateTimeException} on
 * every retry or later in a store.
 */
public final class EventTimes {

    public static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private EventTimes() {}

    /** Unix seconds as an instant in range, or empty (for a door to refuse with its own answer). */
    public static Optional<Instant> fromSeconds(long seconds) {
        return seconds < MIN.getEpochSecond() || seconds > MAX.getEpochSecond()
                ? Optional.empty() : Optional.of(Instant.ofEpochSecond(seconds));
    }

    /** Unix milliseconds as an instant in range, or empty. */
    public static Optional<Instant> fromMillis(long millis) {
        return millis < MIN.toEpochMilli() || millis > MAX.toEpochMilli()
                ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
    }

    /** Unix seconds, or a permanent failure naming {@code field}. */
    public static Instant seconds(String field, long seconds) {
        return fromSeconds(seconds).orElseThrow(() -> outOfRange(field, "seconds"));
    }

    /** Unix milliseconds, or a permanent failure naming {@code field}. */
    public static Instant millis(String field, long millis) {
        return fromMillis(millis).orElseThrow(() -> outOfRange(field, "milliseconds"));
    }

    /** Unix seconds written as a decimal string (WhatsApp's), or a permanent failure naming {@code field}. */
    public static Instant seconds(String field, String text) {
        long seconds;
        try {
            seconds = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new PermanentException(field + " is not a whole number of Unix seconds");
        }
        return seconds(field, seconds);
    }

    /** An instant parsed elsewhere (ISO text), or a permanent failure naming {@code field} when out of range. */
    public static Instant check(String field, Instant at) {
        if (at.isBefore(MIN) || at.isAfter(MAX)) {
            throw new PermanentException(field + " is out of range: not between " + MIN + " and " + MAX);
        }
        return at;
    }

    private static PermanentException outOfRange(String field, String unit) {
        return new PermanentException(field + " is out of range: not Unix " + unit + " between " + MIN + " and " + MAX);
    }
}
