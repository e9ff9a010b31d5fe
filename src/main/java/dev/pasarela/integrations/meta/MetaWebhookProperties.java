package dev.pasarela.integrations.meta;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Meta's webhooks: the app secret that signs {@code X-Hub-Signature-256} ({@code META_APP_SECRET})
 * and the token of the subscription handshake ({@code META_WEBHOOK_VERIFY_TOKEN}). Without them
 * every Meta webhook is refused, which is what a gateway without Meta should do.
 */
@ConfigurationProperties("pasarela.meta")
public record MetaWebhookProperties(@DefaultValue("") String appSecret, @DefaultValue("") String verifyToken) {}
