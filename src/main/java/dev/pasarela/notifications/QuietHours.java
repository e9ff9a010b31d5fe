package dev.pasarela.notifications;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * A tenant's quiet hours: local wall-clock times in its zone, possibly across midnight
 * ({@code 21:00}–{@code 08:00}). Times are placed on the calendar with {@link ZonedDateTime},
 * so a DST change moves the instant, not the local time: 08:00 stays 08:00 the morning after
 * clocks go forward, and an end time that falls in the skipped hour moves to just after it.
 */
public record QuietHours(LocalTime start, LocalTime end, ZoneId zone) {

    public static Optional<QuietHours> of(dev.pasarela.tenants.Messaging.QuietHours settings, String zone) {
        if (settings == null || settings.start() == null || settings.end() == null) {
            return Optional.empty();
        }
        LocalTime start = LocalTime.parse(settings.start());
        LocalTime end = LocalTime.parse(settings.end());
        return start.equals(end) ? Optional.empty()
                : Optional.of(new QuietHours(start, end, ZoneId.of(zone == null ? "UTC" : zone)));
    }

    /** When the quiet hours that hold {@code now} end; empty when {@code now} is not quiet. */
    public Optional<Instant> releaseAt(Instant now) {
        ZonedDateTime local = now.atZone(zone);
        LocalTime t = local.toLocalTime();
        LocalDate day = local.toLocalDate();
        if (start.isBefore(end)) { // within one day, 13:00–15:00
            return !t.isBefore(start) && t.isBefore(end) ? Optional.of(at(day, end)) : Optional.empty();
        }
        if (!t.isBefore(start)) { // across midnight, evening part: ends tomorrow
            return Optional.of(at(day.plusDays(1), end));
        }
        return t.isBefore(end) ? Optional.of(at(day, end)) : Optional.empty();
    }

    private Instant at(LocalDate day, LocalTime time) {
        return ZonedDateTime.of(day, time, zone).toInstant();
    }
}
