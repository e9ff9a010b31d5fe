package dev.pasarela.support;

import java.util.TimeZone;
import org.h2.util.DateTimeUtils;

/** Runs a test's work with another default time zone for the JVM, then puts the one before back. */
public final class JvmZone {

    private JvmZone() {
    }

    /**
     * Runs {@code work} in {@code zone}. H2 keeps the zone it read first; it is told to read it again
     * (its next session reads this one), before and after.
     */
    public static void during(String zone, Runnable work) {
        TimeZone before = TimeZone.getDefault();
        try {
            TimeZone.setDefault(TimeZone.getTimeZone(zone));
            DateTimeUtils.resetCalendar();
            work.run();
        } finally {
            TimeZone.setDefault(before);
            DateTimeUtils.resetCalendar();
        }
    }
}
