package dev.pasarela.security;

import java.util.Set;

/**
 * Implemented by each bean that reads tenant credentials from the {@link CredentialVault}: the
 * names it reads them under. Together (with the platform defaults' names) they are the providers a
 * credential may be stored for, so the list lives beside the code that reads it and nowhere else.
 */
public interface CredentialNames {

    Set<String> credentialNames();
}
