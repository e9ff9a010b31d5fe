package dev.pasarela.security;

import dev.pasarela.config.SelfChecking;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The credential vault: master keys ({@code PASARELA_MASTER_KEYS}, {@code id:base64,…}, the first
 * encrypting) and the age past which a stored credential is reported as stale. {@code generateKey}
 * (set by the dev profile) lets a run without keys use an ephemeral one.
 */
@ConfigurationProperties("pasarela.vault")
public record VaultProperties(@DefaultValue("") String masterKeys, boolean generateKey,
                              @DefaultValue("P90D") Duration maxCredentialAge) implements SelfChecking {

    @Override
    public List<String> problems() {
        if (masterKeys.isBlank() && generateKey) {
            return List.of();
        }
        try {
            MasterKeys.parse(masterKeys);
            return List.of();
        } catch (IllegalStateException e) {
            return List.of(e.getMessage()); // names the variable and the rule, never the key
        }
    }
}
