package dev.pasarela.integrations.meta;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Meta's app: the app secret that signs {@code X-Hub-Signature-256} ({@code META_APP_SECRET}), the
 * token of the subscription handshake ({@code META_WEBHOOK_VERIFY_TOKEN}) and the app id
 * ({@code META_APP_ID}) that, with the secret, exchanges Facebook Login tokens and checks them
 * ({@code /oauth/access_token}, {@code /debug_token}). Without the secret every Meta webhook is
 * refused; without the id and secret Facebook pages cannot be connected. That is what a gateway
 * without Meta should do.
 */
@ConfigurationProperties("pasarela.meta")
public record MetaWebhookProperties(@DefaultValue("") String appSecret, @DefaultValue("") String verifyToken,
                                    @DefaultValue("") String appId) {

    /** Both the app id and its secret are set: the app can call Meta as itself. */
    public boolean appConfigured() {
        return !appId.isBlank() && !appSecret.isBlank();
    }

    @Override
    public String toString() {
        return "MetaWebhookProperties[appId=" + appId + "]"; // never the secret or the verify token
    }
}
