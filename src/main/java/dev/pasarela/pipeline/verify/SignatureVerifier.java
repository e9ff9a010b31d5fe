package dev.pasarela.pipeline.verify;

import dev.pasarela.pipeline.ingress.RawRequest;

/**
 * One per signing scheme. Implementations compare in constant time, check the timestamp
 * tolerance where the scheme has one, and throw {@link SignatureVerificationException}.
 */
public interface SignatureVerifier {

    /** The provider name used in routes and queues ({@code stripe}, {@code meta}, …). */
    String provider();

    void verify(RawRequest request) throws SignatureVerificationException;

    /** 401 unless the provider documents another status (Stripe's examples answer 400). */
    default int failureStatus() {
        return 401;
    }
}
