package dev.pasarela.security;

import dev.pasarela.pipeline.errors.PermanentException;

/**
 * A stored credential no master key decrypts (PASARELA_MASTER_KEYS changed, or the document was
 * tampered with): retrying cannot fix it, an operator must store the credential again.
 */
public class CredentialUnreadableException extends PermanentException {

    public static final String CODE = "credential-unreadable";

    private final String provider;

    public CredentialUnreadableException(String tenantId, String provider, String why) {
        super(CODE + ": the " + provider + " credential of tenant " + tenantId + " " + why + "; store it again");
        this.provider = provider;
    }

    @Override
    public String failureCode() {
        return CODE;
    }

    public String provider() {
        return provider;
    }
}
