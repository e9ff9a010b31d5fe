package dev.pasarela.security;

import dev.pasarela.config.SelfChecking;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The operations API's bearer token ({@code PASARELA_OPS_TOKEN}). {@code generateToken} (set by the
 * dev profile) lets a run without one make up a token and print it. The token also guards the OpenAPI
 * document ({@code /v3/api-docs}) unless {@code publicApiDocs} (the dev profile, for Swagger UI).
 */
@ConfigurationProperties("pasarela.ops")
public record OpsProperties(@DefaultValue("") String token, boolean generateToken, boolean publicApiDocs)
        implements SelfChecking {

    static final int MIN_LENGTH = 32;

    @Override
    public List<String> problems() {
        if (generateToken) {
            return List.of(); // the dev profile: a token of any length, or a generated one
        }
        return token.length() < MIN_LENGTH
                ? List.of("PASARELA_OPS_TOKEN (pasarela.ops.token): must be at least " + MIN_LENGTH
                        + " characters (it guards /ops); only the dev profile may run without it")
                : List.of();
    }
}
