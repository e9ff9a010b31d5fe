package dev.pasarela.security;

import dev.pasarela.api.ApiCaller;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** An authenticated {@link ApiCaller}; its credentials are never kept. */
public class ApiCallerAuthentication extends AbstractAuthenticationToken {

    private final ApiCaller caller;

    public ApiCallerAuthentication(ApiCaller caller) {
        super(List.of(new SimpleGrantedAuthority("ROLE_" + (caller.role() == null ? "USER" : caller.role().toUpperCase(java.util.Locale.ROOT)))));
        this.caller = caller;
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        return null;
    }

    @Override
    public ApiCaller getPrincipal() {
        return caller;
    }

    @Override
    public String getName() {
        return caller.tenantId() + "/" + caller.subject();
    }
}
