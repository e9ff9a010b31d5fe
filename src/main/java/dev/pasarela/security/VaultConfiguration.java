package dev.pasarela.security;

import dev.pasarela.tenants.Tenant;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.store.DocumentStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.annotation.Scheduled;

@Configuration(proxyBeanMethods = false)
public class VaultConfiguration {

    private static final Logger log = LoggerFactory.getLogger(VaultConfiguration.class);

    /** Required outside the dev profile, which makes up a key for the run (and says so). */
    @Bean
    MasterKeys masterKeys(VaultProperties vault) {
        if (vault.masterKeys().isBlank() && vault.generateKey()) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            log.warn("dev profile: PASARELA_MASTER_KEYS is not set; credentials stored in this run"
                    + " cannot be read after a restart");
            return MasterKeys.parse("dev-ephemeral:" + Base64.getEncoder().encodeToString(key));
        }
        return MasterKeys.parse(vault.masterKeys());
    }

    @Bean
    CredentialVault credentialVault(DocumentStore store, MasterKeys keys, Environment env, ObjectMapper json,
                                    Clock clock,
                                    org.springframework.beans.factory.ObjectProvider<CredentialNames> readers) {
        // asked when a credential is stored: the readers need the vault themselves
        return new CredentialVault(store, keys, new PlatformCredentials(env), json, clock, () -> readers.orderedStream()
                .flatMap(r -> r.credentialNames().stream()).collect(java.util.stream.Collectors.toSet()));
    }

    @Bean
    StaleCredentialsReport staleCredentialsReport(CredentialVault vault, TenantRepository tenants, MeterRegistry meters,
                                                  VaultProperties properties) {
        return new StaleCredentialsReport(vault, tenants, properties.maxCredentialAge(), meters);
    }

    /** Reports, daily, the credentials not replaced for longer than the configured age. */
    public static class StaleCredentialsReport {
        private final CredentialVault vault;
        private final TenantRepository tenants;
        private final Duration maxAge;
        private final AtomicInteger stale;

        StaleCredentialsReport(CredentialVault vault, TenantRepository tenants, Duration maxAge, MeterRegistry meters) {
            this.vault = vault;
            this.tenants = tenants;
            this.maxAge = maxAge;
            this.stale = meters.gauge("pasarela.credentials.stale", new AtomicInteger());
        }

        @Scheduled(initialDelayString = "PT2M", fixedDelayString = "${pasarela.vault.stale-check-interval:P1D}")
        public List<CredentialVault.Stale> report() {
            List<CredentialVault.Stale> found = vault.olderThan(tenants.list().stream().map(Tenant::id).toList(), maxAge);
            stale.set(found.size());
            found.forEach(s -> log.warn("Credential {} of tenant {} was last replaced {}: older than {}, rotate it",
                    s.provider(), s.tenantId(), s.updatedAt(), maxAge));
            return found;
        }

        public Duration maxAge() {
            return maxAge;
        }
    }
}
