package dev.pasarela.integrations.meta.publishing;

import java.time.Instant;

/** What one run of a publishing job ends with: finished, or to run again at a time (durably queued). */
sealed interface Advance {

    record Done(Publication publication) implements Advance {
    }

    /** Queued again for {@code at}; {@code poll} tells a container still processing from a retry after a failure. */
    record Later(Instant at, boolean poll, String reason) implements Advance {
    }
}
