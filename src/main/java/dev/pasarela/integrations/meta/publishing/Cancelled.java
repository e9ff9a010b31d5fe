package dev.pasarela.integrations.meta.publishing;

/** The caller deleted the post while its job ran: the job stops at its next step. */
final class Cancelled extends RuntimeException {
    Cancelled() {
        super("publication cancelled", null, false, false);
    }
}
