package dev.pasarela.pipeline.verify;

/** Why a signature was refused; the reason is a metric tag and the problem detail, never a secret. */
public class SignatureVerificationException extends Exception {

    public enum Reason {
        MISSING_HEADER("missing-header", "The signature header is missing."),
        MALFORMED_HEADER("malformed-header", "The signature header could not be parsed."),
        STALE_TIMESTAMP("stale-timestamp", "The signature timestamp is outside the tolerance window."),
        MISMATCH("mismatch", "No signature matches the payload.");

        public final String tag;
        public final String detail;

        Reason(String tag, String detail) {
            this.tag = tag;
            this.detail = detail;
        }
    }

    private final Reason reason;

    public SignatureVerificationException(Reason reason) {
        super(reason.detail);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
