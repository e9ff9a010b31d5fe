package dev.pasarela.integrations.meta.publishing;

/**
 * Another run of the same post's job (a replayed dead letter, a redelivery while the first consumer
 * still works) moved it first: this run stops and looks again later instead of posting a second time.
 */
final class ConcurrentRun extends RuntimeException {
    ConcurrentRun() {
        super("another run of this post's job is publishing it", null, false, false);
    }
}
