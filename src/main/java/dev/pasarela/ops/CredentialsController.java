package dev.pasarela.ops;

import dev.pasarela.api.ProblemException;
import dev.pasarela.tenants.Tenant;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.security.CredentialVault;
import dev.pasarela.security.VaultConfiguration;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Tenant credentials: written and listed (names only), never read back through the API. */
@RestController
public class CredentialsController {

    private final CredentialVault vault;
    private final TenantRepository tenants;
    private final VaultConfiguration.StaleCredentialsReport staleReport;

    public CredentialsController(CredentialVault vault, TenantRepository tenants,
                                 VaultConfiguration.StaleCredentialsReport staleReport) {
        this.vault = vault;
        this.tenants = tenants;
        this.staleReport = staleReport;
    }

    @PutMapping("/ops/tenants/{id}/credentials/{provider}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void put(@PathVariable String id, @PathVariable String provider, @RequestBody Map<String, String> secret) {
        requireTenant(id);
        vault.put(id, provider, secret);
    }

    @GetMapping("/ops/tenants/{id}/credentials")
    List<CredentialVault.Info> list(@PathVariable String id) {
        requireTenant(id);
        return vault.list(id);
    }

    @DeleteMapping("/ops/tenants/{id}/credentials/{provider}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable String id, @PathVariable String provider) {
        requireTenant(id);
        if (!vault.delete(id, provider)) {
            throw new ProblemException(404, "credential-not-found", "Credential not found",
                    "Tenant '" + id + "' has no " + provider + " credential.");
        }
    }

    /** Re-wraps every credential under the first key of PASARELA_MASTER_KEYS. */
    @PostMapping("/ops/credentials/rotate")
    CredentialVault.Rotation rotate() {
        return vault.rotate(tenants.list().stream().map(Tenant::id).toList());
    }

    @GetMapping("/ops/credentials/stale")
    Map<String, Object> stale() {
        return Map.of("maxAge", staleReport.maxAge().toString(), "credentials", staleReport.report());
    }

    private void requireTenant(String id) {
        tenants.require(id);
    }
}
