package dev.pasarela.integrations.meta.pages;

import dev.pasarela.security.CredentialNames;
import dev.pasarela.integrations.meta.MetaAccounts;
import dev.pasarela.security.CredentialVault;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.tenants.Tenant;
import dev.pasarela.tenants.TenantRepository;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The life of the tenants' Meta tokens: the Facebook user token ({@code facebook-user}, about 60
 * days) and the page tokens used for Messenger and Instagram ({@code messenger}, {@code instagram}).
 * A page token derived from a long-lived user token does not expire (shared/providers.md §2.11)
 * unless the user changes password, loses the page role or removes the app; so the check asks
 * {@code /debug_token} about each, rather than trusting a date.
 *
 * <p>Each check is stored as {@code tokenCheck} at {@code tenants/{t}/integrations/{provider}} (the
 * document {@link MetaAccounts} keeps refusals in), exported as the gauge
 * {@code pasarela.meta.token.expires.days{tenant,provider}} (absent for a token that never expires,
 * 0 for one that no longer works), and logged at WARN when the token expires within
 * {@code pasarela.meta.pages.expiry-warning}. A token Meta says is not valid marks the integration
 * {@code needs-reauth}: nothing retries with it, the tenant must log in again.
 */
@Component
public class TokenChecks implements CredentialNames {

    @Override
    public java.util.Set<String> credentialNames() {
        return java.util.Set.of(USER, MESSENGER, INSTAGRAM);
    }

    public static final String USER = "facebook-user";
    public static final String MESSENGER = "messenger";
    public static final String INSTAGRAM = "instagram";
    static final List<String> PROVIDERS = List.of(USER, MESSENGER, INSTAGRAM);
    static final String GAUGE = "pasarela.meta.token.expires.days";

    /** A token the ops report shows: {@code needs-reauth}, or {@code expiring} within the window. */
    public record Finding(String tenantId, String provider, String status, String expiresAt, Double daysLeft,
                          String checkedAt) {}

    public record Report(String window, List<Finding> tokens) {}

    private static final Logger log = LoggerFactory.getLogger(TokenChecks.class);

    private final FacebookGraph graph;
    private final CredentialVault vault;
    private final MetaAccounts accounts;
    private final TenantRepository tenants;
    private final DocumentStore store;
    private final MeterRegistry meters;
    private final FacebookPagesProperties properties;
    private final Clock clock;
    private final Map<String, AtomicReference<Double>> days = new ConcurrentHashMap<>();
    private final Map<String, Gauge> gauges = new ConcurrentHashMap<>();

    TokenChecks(FacebookGraph graph, CredentialVault vault, MetaAccounts accounts, TenantRepository tenants,
                DocumentStore store, MeterRegistry meters, FacebookPagesProperties properties, Clock clock) {
        this.graph = graph;
        this.vault = vault;
        this.accounts = accounts;
        this.tenants = tenants;
        this.store = store;
        this.meters = meters;
        this.properties = properties;
        this.clock = clock;
    }

    /** Checks every stored token of every tenant; one failing check does not stop the others. Returns how many were checked. */
    public int checkAll() {
        if (!graph.appConfigured()) {
            log.debug("No Meta app id and secret: Meta tokens are not checked");
            return 0;
        }
        int checked = 0;
        for (Tenant tenant : tenants.list()) {
            for (String provider : PROVIDERS) {
                try {
                    checked += check(tenant.id(), provider) ? 1 : 0;
                } catch (RuntimeException e) {
                    // the class and our own message only: nothing of Meta's answer, nothing of the token
                    log.warn("The {} token of tenant {} could not be checked: {}", provider, tenant.id(),
                            e instanceof dev.pasarela.api.ProblemException p ? p.detail() : e.getClass().getSimpleName());
                    store.merge(MetaAccounts.statusPath(tenant.id(), provider), Map.of("tokenCheck",
                            Map.of("error", e.getClass().getSimpleName(), "failedAt", clock.instant().toString())));
                }
            }
        }
        return checked;
    }

    /** Asks {@code /debug_token} about the tenant's {@code provider} token, if it has one of its own. */
    boolean check(String tenantId, String provider) {
        String token = storedToken(tenantId, provider).orElse(null);
        if (token == null) {
            forget(tenantId, provider);
            return false;
        }
        TokenDebug debug;
        try {
            debug = graph.debug(token);
        } catch (FacebookGraph.TokenRefused e) {
            // the app token was refused, not the tenant's: do not blame the tenant
            throw new IllegalStateException("Meta refused the app's own token (Graph error " + e.code()
                    + "): check META_APP_ID and META_APP_SECRET");
        }
        record(tenantId, provider, debug.valid(), debug.expiresAt(), debug.dataAccessExpiresAt(), debug.scopes());
        if (!debug.valid()) {
            if (!accounts.needsReauth(tenantId, provider)) {
                int code = debug.errorCode() == 0 ? 190 : debug.errorCode();
                accounts.markRevoked(tenantId, provider, token, code, "debug_token: the token is not valid (Graph error "
                        + code + (debug.errorSubcode() == 0 ? "" : "/" + debug.errorSubcode()) + ")");
            }
            gauge(tenantId, provider, 0.0);
            return true;
        }
        if (debug.expiresAt() == 0) {
            forget(tenantId, provider);
            return true;
        }
        double left = Duration.between(clock.instant(), Instant.ofEpochSecond(debug.expiresAt())).toSeconds() / 86400.0;
        gauge(tenantId, provider, left);
        if (left * 86400 < properties.expiryWarning().toSeconds()) {
            log.warn("The {} token of tenant {} {} {}: the tenant must connect Facebook again", provider, tenantId,
                    left < 0 ? "expired on" : "expires in " + String.format(java.util.Locale.ROOT, "%.1f", left)
                            + " days, on", Instant.ofEpochSecond(debug.expiresAt()));
        }
        return true;
    }

    /** Stores what is known of a token: from {@code /debug_token}, or from the exchange that made it. */
    void record(String tenantId, String provider, boolean valid, long expiresAt, long dataAccessExpiresAt,
                List<String> scopes) {
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("valid", valid);
        check.put("expiresAt", expiresAt);
        check.put("dataAccessExpiresAt", dataAccessExpiresAt);
        check.put("scopes", scopes);
        check.put("checkedAt", clock.instant().toString());
        String path = MetaAccounts.statusPath(tenantId, provider);
        store.runTransaction(tx -> {
            Map<String, Object> doc = new LinkedHashMap<>(tx.get(path).map(Document::data).orElse(Map.of()));
            doc.put("tokenCheck", check); // replaced whole: an earlier check's error does not linger
            tx.set(path, doc);
            return null;
        });
    }

    /** The tokens that need re-authorisation or expire within {@code pasarela.meta.pages.expiry-warning}. */
    public Report report() {
        Instant now = clock.instant();
        Instant limit = now.plus(properties.expiryWarning());
        List<Finding> found = new ArrayList<>();
        for (Tenant tenant : tenants.list()) {
            for (String provider : PROVIDERS) {
                Optional<Document> doc = store.get(MetaAccounts.statusPath(tenant.id(), provider));
                if (doc.isEmpty()) {
                    continue;
                }
                long expiresAt = number(doc.get().field("tokenCheck.expiresAt"));
                String checkedAt = (String) doc.get().field("tokenCheck.checkedAt");
                String expires = expiresAt > 0 ? Instant.ofEpochSecond(expiresAt).toString() : null;
                Double left = expiresAt > 0 ? Duration.between(now, Instant.ofEpochSecond(expiresAt)).toSeconds() / 86400.0
                        : null;
                if (accounts.needsReauth(tenant.id(), provider)) {
                    found.add(new Finding(tenant.id(), provider, MetaAccounts.NEEDS_REAUTH, expires, left, checkedAt));
                } else if (expiresAt > 0 && Instant.ofEpochSecond(expiresAt).isBefore(limit)
                        && storedToken(tenant.id(), provider).isPresent()) {
                    found.add(new Finding(tenant.id(), provider, "expiring", expires, left, checkedAt));
                }
            }
        }
        return new Report(properties.expiryWarning().toString(), found);
    }

    private Optional<String> storedToken(String tenantId, String provider) {
        return vault.credentials(tenantId, provider).map(c -> c.get("accessToken")).filter(t -> !t.isBlank());
    }

    private void gauge(String tenantId, String provider, double value) {
        String key = tenantId + "/" + provider;
        days.computeIfAbsent(key, k -> {
            AtomicReference<Double> ref = new AtomicReference<>(value);
            gauges.put(k, Gauge.builder(GAUGE, ref, AtomicReference::get).tag("tenant", tenantId)
                    .tag("provider", provider).description("Days until the tenant's Meta token expires")
                    .baseUnit("days").register(meters));
            return ref;
        }).set(value);
    }

    private void forget(String tenantId, String provider) {
        String key = tenantId + "/" + provider;
        days.remove(key);
        Gauge gauge = gauges.remove(key);
        if (gauge != null) {
            meters.remove(gauge);
        }
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }
}
