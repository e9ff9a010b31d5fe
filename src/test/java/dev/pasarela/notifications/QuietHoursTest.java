package dev.pasarela.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.tenants.Messaging;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Quiet hours are wall-clock times in the tenant's zone: they keep their local time across DST changes. */
class QuietHoursTest {

    static QuietHours madrid(String start, String end) {
        return QuietHours.of(new Messaging.QuietHours(start, end), "Europe/Madrid").orElseThrow();
    }

    @Test
    void theNightBeforeClocksGoForwardEndsAt8LocalWhichIsAnHourEarlierInUtc() {
        // Saturday 2026-03-28 22:00 CET (UTC+1); the night ends Sunday 08:00 CEST (UTC+2)
        Optional<Instant> release = madrid("21:00", "08:00").releaseAt(Instant.parse("2026-03-28T21:00:00Z"));
        assertThat(release).contains(Instant.parse("2026-03-29T06:00:00Z"));
        // the same rule a week earlier ends at 07:00 UTC
        assertThat(madrid("21:00", "08:00").releaseAt(Instant.parse("2026-03-21T21:00:00Z")))
                .contains(Instant.parse("2026-03-22T07:00:00Z"));
    }

    @Test
    void theNightClocksGoBackIsAnHourLongerAndStillEndsAt8Local() {
        // Saturday 2026-10-24 22:00 CEST (UTC+2); Sunday 08:00 is CET (UTC+1)
        assertThat(madrid("21:00", "08:00").releaseAt(Instant.parse("2026-10-24T20:00:00Z")))
                .contains(Instant.parse("2026-10-25T07:00:00Z"));
        // 02:30 happens twice that night: inside the quiet hours both times
        assertThat(madrid("21:00", "08:00").releaseAt(Instant.parse("2026-10-25T00:30:00Z"))).isPresent();
        assertThat(madrid("21:00", "08:00").releaseAt(Instant.parse("2026-10-25T01:30:00Z")))
                .contains(Instant.parse("2026-10-25T07:00:00Z"));
    }

    @Test
    void anEndInsideTheSkippedHourMovesToJustAfterIt() {
        // 02:30 does not exist on 2026-03-29 in Madrid: the quiet hours end at 03:30 CEST = 01:30 UTC
        assertThat(madrid("22:00", "02:30").releaseAt(Instant.parse("2026-03-29T00:15:00Z")))
                .contains(Instant.parse("2026-03-29T01:30:00Z"));
    }

    @Test
    void outsideTheQuietHoursNothingIsHeldAndSameDayWindowsWork() {
        assertThat(madrid("21:00", "08:00").releaseAt(Instant.parse("2026-03-28T10:00:00Z"))).isEmpty();
        assertThat(madrid("21:00", "08:00").releaseAt(Instant.parse("2026-03-28T07:00:00Z"))).isEmpty(); // 08:00 local
        assertThat(madrid("13:00", "15:00").releaseAt(Instant.parse("2026-07-01T11:30:00Z")))
                .contains(Instant.parse("2026-07-01T13:00:00Z"));
        assertThat(madrid("13:00", "15:00").releaseAt(Instant.parse("2026-07-01T13:00:00Z"))).isEmpty();
        assertThat(QuietHours.of(new Messaging.QuietHours("21:00", "21:00"), "Europe/Madrid")).isEmpty();
        assertThat(QuietHours.of(null, "Europe/Madrid")).isEmpty();
    }
}
