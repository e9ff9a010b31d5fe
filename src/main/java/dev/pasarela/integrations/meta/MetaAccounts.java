package dev.pasarela.integrations.meta;

import dev.pasarela.security.CredentialNames;
import dev.pasarela.messaging.RejectedByProviderException;
import dev.pasarela.tenants.Tenant;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.security.CredentialVault;
import dev.pasarela.store.DocumentStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Which Meta account a tenant sends from, with which token, and whether that token still works.
 *
 * <ul>
 *   <li>WhatsApp: vault credential {@code whatsapp} ({@code accessToken}, optional
 *       {@code phoneNumberId}, {@code businessAccountId}), else the platform's
 *       {@code WHATSAPP_ACCESS_TOKEN} / {@code WHATSAPP_PHONE_NUMBER_ID} /
 *       {@code WHATSAPP_BUSINESS_ACCOUNT_ID}; the tenant's {@code whatsapp} identity names its number.</li>
 *   <li>Messenger / Instagram: vault credential {@code messenger} / {@code instagram}
 *       ({@code accessToken}, a Page token); the {@code facebook} / {@code instagram} identity names the account.</li>
 * </ul>
 *
 * A token Meta calls revoked or expired (code 190, 463, 467…) is remembered by fingerprint at
 * {@code tenants/{t}/integrations/{channel}}, with {@code status: "needs-reauth"}: later sends with
 * the same token fail at once (no retry storm against Meta), {@link #needsReauth} says so to whoever
 * shows the integration, and a new token in the vault (or {@link #markConnected}) clears it.
 */
@Component
public class MetaAccounts implements CredentialNames {

    @Override
    public java.util.Set<String> credentialNames() {
        return IDENTITY.keySet();
    }

    public record Account(String channel, String senderId, String token, String businessAccountId) {
        @Override
        public String toString() {
            return "Account[" + channel + ", " + senderId + "]"; // never the token
        }
    }

    public static final String NEEDS_REAUTH = "needs-reauth";
    public static final String CONNECTED = "connected";

    private static final Logger log = LoggerFactory.getLogger(MetaAccounts.class);
    private static final Map<String, String> IDENTITY = Map.of("whatsapp", "whatsapp", "messenger", "facebook",
            "instagram", "instagram");

    private final CredentialVault vault;
    private final TenantRepository tenants;
    private final DocumentStore store;
    private final MeterRegistry meters;
    private final Clock clock;

    public MetaAccounts(CredentialVault vault, TenantRepository tenants, DocumentStore store, MeterRegistry meters,
                        Clock clock) {
        this.vault = vault;
        this.tenants = tenants;
        this.store = store;
        this.meters = meters;
        this.clock = clock;
    }

    /** The tenant's account on a channel, or a refusal an operator can act on (nothing configured). */
    public Account account(String tenantId, String channel) {
        Tenant tenant = tenants.find(tenantId).orElseThrow(() ->
                new RejectedByProviderException("unknown-tenant", "tenant " + tenantId + " no longer exists", true));
        Map<String, String> creds = vault.credentials(tenantId, channel).orElse(Map.of());
        String token = creds.get("accessToken");
        String sender = Optional.ofNullable(tenant.identities()).map(i -> i.get(IDENTITY.get(channel)))
                .orElse("whatsapp".equals(channel) ? creds.get("phoneNumberId") : null);
        if (token == null || sender == null) {
            throw new RejectedByProviderException("not-configured", "tenant " + tenantId + " has no " + channel
                    + (token == null ? " access token (vault credential '" + channel + "' or the platform default)"
                    : " account (identity '" + IDENTITY.get(channel) + "')"), true);
        }
        String waba = Optional.ofNullable(tenant.identities()).map(i -> i.get("whatsapp-business-account"))
                .orElse(creds.get("businessAccountId"));
        return new Account(channel, sender, token, waba);
    }

    /** Refuses at once when this very token was already refused by Meta as revoked or expired. */
    public void checkNotRevoked(String tenantId, Account account) {
        store.get(statusPath(tenantId, account.channel())).ifPresent(d -> {
            if (fingerprint(account.token()).equals(d.field("revokedToken.fingerprint"))) {
                throw new RejectedByProviderException(String.valueOf(d.field("revokedToken.code")),
                        "the " + account.channel() + " access token of " + tenantId + " was refused by Meta as revoked "
                                + "or expired at " + d.field("revokedToken.at") + ": put a new token in the vault, then "
                                + "replay this dead letter", true);
            }
        });
    }

    public void markRevoked(String tenantId, Account account, GraphException e) {
        markRevoked(tenantId, account.channel(), account.token(), e.code(), e.describe());
    }

    /**
     * Remembers that Meta refused this token of the tenant's {@code channel} (a vault provider such as
     * {@code messenger}, {@code instagram} or {@code facebook-user}) as revoked or expired: the
     * integration needs the tenant to log in again, not a retry.
     */
    public void markRevoked(String tenantId, String channel, String token, int code, String detail) {
        String safeDetail = detail == null ? null : detail.replace(token, "[token]"); // Meta may quote a malformed token
        Map<String, Object> revoked = new LinkedHashMap<>();
        revoked.put("fingerprint", fingerprint(token));
        revoked.put("code", code);
        revoked.put("detail", safeDetail);
        revoked.put("at", clock.instant().toString());
        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("revokedToken", revoked);
        patch.put("status", NEEDS_REAUTH);
        store.merge(statusPath(tenantId, channel), patch);
        meters.counter("pasarela.credentials.revoked", "tenant", tenantId, "provider", channel).increment();
        log.warn("The {} access token of tenant {} was refused by Meta ({}): sends stop until a new token is stored",
                channel, tenantId, safeDetail);
    }

    /**
     * Whether the tenant's {@code channel} token was refused by Meta and is still the one in the vault
     * (an operator replacing it through the vault ends the mark as the fingerprint check does).
     */
    public boolean needsReauth(String tenantId, String channel) {
        return store.get(statusPath(tenantId, channel)).filter(d -> NEEDS_REAUTH.equals(d.field("status")))
                .map(d -> {
                    Object revoked = d.field("revokedToken.fingerprint");
                    String token = vault.credentials(tenantId, channel).map(c -> c.get("accessToken")).orElse(null);
                    return revoked == null || token == null || revoked.equals(fingerprint(token));
                })
                .orElse(false);
    }

    /**
     * A new token was obtained by logging in again: the channel is connected, any earlier refusal
     * (and any check of the previous token, {@code tokenCheck}) forgotten.
     */
    public void markConnected(String tenantId, String channel) {
        String path = statusPath(tenantId, channel);
        store.runTransaction(tx -> {
            Map<String, Object> doc = new LinkedHashMap<>(tx.get(path).map(d -> d.data()).orElse(Map.of()));
            doc.remove("revokedToken");
            doc.remove("tokenCheck");
            doc.put("status", CONNECTED);
            doc.put("connectedAt", clock.instant().toString());
            tx.set(path, doc);
            return null;
        });
    }

    /** {@code tenants/{t}/integrations/{channel}}: the integration's status, refusals and token checks. */
    public static String statusPath(String tenantId, String channel) {
        return TenantRepository.path(tenantId) + "/integrations/" + channel;
    }

    /** A short hash, to recognise the same token again without keeping it. */
    private static String fingerprint(String token) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
