package dev.pasarela.tenants;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.Map;

/** What an operator (or the tenants file) sets on a tenant; subscription state is not among it. */
public record TenantProfile(@NotBlank(message = "name is required.")
                            @Size(max = 200, message = "name is at most 200 characters.") String name, String plan, String timezone,
                            Map<String, String> identities, String callbackUrl, Messaging messaging) {

    public TenantProfile(String name, String plan, String timezone, Map<String, String> identities) {
        this(name, plan, timezone, identities, null, null);
    }

    public TenantProfile(String name, String plan, String timezone, Map<String, String> identities, String callbackUrl) {
        this(name, plan, timezone, identities, callbackUrl, null);
    }
}
