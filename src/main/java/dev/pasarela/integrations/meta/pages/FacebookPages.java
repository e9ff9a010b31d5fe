package dev.pasarela.integrations.meta.pages;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pasarela.api.ProblemException;
import dev.pasarela.integrations.meta.MetaAccounts;
import dev.pasarela.security.CredentialVault;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.tenants.Tenant;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Connecting a tenant's Facebook account and choosing the page it publishes and talks as.
 *
 * <ol>
 *   <li>{@link #connect}: the short-lived user token of Facebook Login becomes a long-lived one
 *       (about 60 days), kept in the vault as {@code facebook-user}.</li>
 *   <li>{@link #choosePage}: the page's token, derived from that long-lived user token, is kept as
 *       {@code messenger} (and {@code instagram} when the page has an Instagram professional account):
 *       what {@link MetaAccounts} sends with and what publishing uses. A page token derived from a
 *       long-lived user token does not expire (shared/providers.md §2.11); it stops working only when
 *       the user changes password, loses the page role or removes the app, which the daily
 *       {@link TokenChecks} finds. The tenant's {@code facebook} / {@code instagram} identities name the
 *       accounts, so their webhooks route to it.</li>
 * </ol>
 * Tokens never leave this class towards the caller: answers carry ids, names and tasks only.
 */
@Service
public class FacebookPages {

    static final String REQUIRED_TASK = "CREATE_CONTENT";
    static final List<String> MESSAGING_TASKS = List.of("MODERATE", "MESSAGING");
    private static final String SOURCE = "facebook-page";

    public record Connected(List<FacebookPage> pages, Instant userTokenExpiresAt) {}

    public record Pages(List<FacebookPage> pages) {}

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Chosen(FacebookPage page, List<String> warnings) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PageInfo(String id, String name, String category, String link, Long fanCount, Long followersCount,
                           String instagramAccountId) {}

    /** One of the tenant's Meta tokens: its status and what the last check said. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TokenStatus(String provider, String status, Boolean valid, Instant expiresAt, Instant checkedAt) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PageStatus(String pageId, String status, PageInfo page, List<TokenStatus> tokens) {}

    private static final Logger log = LoggerFactory.getLogger(FacebookPages.class);

    private final FacebookGraph graph;
    private final CredentialVault vault;
    private final MetaAccounts accounts;
    private final TenantRepository tenants;
    private final DocumentStore store;
    private final TokenChecks checks;

    FacebookPages(FacebookGraph graph, CredentialVault vault, MetaAccounts accounts, TenantRepository tenants,
                  DocumentStore store, TokenChecks checks) {
        this.graph = graph;
        this.vault = vault;
        this.accounts = accounts;
        this.tenants = tenants;
        this.store = store;
        this.checks = checks;
    }

    /** Exchanges the Facebook Login token, stores the long-lived one and lists the user's pages. */
    public Connected connect(String tenantId, String shortLivedToken) {
        FacebookGraph.LongLivedToken token;
        try {
            token = graph.exchange(shortLivedToken);
        } catch (FacebookGraph.TokenRefused e) {
            throw new ProblemException(400, "facebook-token-invalid", "Facebook token invalid or expired",
                    "Meta refused the user access token as invalid or expired (Graph error " + e.code()
                            + "); log in with Facebook again and send the new token.");
        }
        long expiresAt = token.expiresAt() == null ? 0 : token.expiresAt().getEpochSecond();
        vault.put(tenantId, TokenChecks.USER, Map.of("accessToken", token.accessToken(),
                "expiresAt", String.valueOf(expiresAt)));
        accounts.markConnected(tenantId, TokenChecks.USER);
        checks.record(tenantId, TokenChecks.USER, true, expiresAt, 0, List.of());
        log.info("Tenant {} connected Facebook; the user token expires {}", tenantId,
                token.expiresAt() == null ? "never" : token.expiresAt());
        return new Connected(grants(tenantId, token.accessToken()).stream().map(PageGrant::page).toList(),
                token.expiresAt());
    }

    /** The pages of the connected Facebook user, read now with the stored long-lived token. */
    public Pages pages(String tenantId) {
        return new Pages(grants(tenantId, userToken(tenantId)).stream().map(PageGrant::page).toList());
    }

    /**
     * Makes {@code pageId} the tenant's page: its token in the vault for Messenger (and Instagram),
     * its ids as the tenant's identities (the webhook routing index follows), earlier refusals forgotten.
     */
    public Chosen choosePage(String tenantId, String pageId) {
        PageGrant grant = grants(tenantId, userToken(tenantId)).stream()
                .filter(g -> pageId.equals(g.page().id())).findFirst()
                .orElseThrow(() -> new ProblemException(404, "facebook-page-not-found", "Facebook page not found",
                        "The connected Facebook user does not manage page " + pageId
                                + "; GET /api/v1/facebook/pages lists the pages it does."));
        FacebookPage page = grant.page();
        if (!page.tasks().contains(REQUIRED_TASK)) {
            throw new ProblemException(422, "facebook-page-task-missing", "Facebook page task missing",
                    "The connected Facebook user lacks the " + REQUIRED_TASK + " task on page " + pageId
                            + " (it has " + page.tasks() + "): a page admin must give it that task in the page's settings.");
        }
        if (grant.accessToken() == null || grant.accessToken().isBlank()) {
            throw new ProblemException(422, "facebook-page-token-missing", "No page token",
                    "Meta gave no access token for page " + pageId + "; log in with Facebook again granting the "
                            + "pages_show_list and pages_manage_posts permissions.");
        }
        Tenant tenant = tenants.require(tenantId);
        Map<String, String> identities = new TreeMap<>(Optional.ofNullable(tenant.identities()).orElse(Map.of()));
        identities.put("facebook", pageId);
        boolean dropInstagram = page.instagramAccountId() == null && ours(tenantId, TokenChecks.INSTAGRAM);
        if (page.instagramAccountId() != null) {
            identities.put("instagram", page.instagramAccountId());
        } else if (dropInstagram) {
            identities.remove("instagram");
        }
        // identities first: a page already taken by another tenant is a 409 before anything is stored
        tenants.upsert(tenantId, new TenantProfile(tenant.name(), null, null, identities, null, null));
        keep(tenantId, TokenChecks.MESSENGER, grant.accessToken(), pageId);
        if (page.instagramAccountId() != null) {
            keep(tenantId, TokenChecks.INSTAGRAM, grant.accessToken(), pageId);
        } else if (dropInstagram) {
            vault.delete(tenantId, TokenChecks.INSTAGRAM);
            store.delete(MetaAccounts.statusPath(tenantId, TokenChecks.INSTAGRAM));
        }
        List<String> warnings = new ArrayList<>();
        MESSAGING_TASKS.stream().filter(t -> !page.tasks().contains(t)).forEach(t -> warnings.add("The user lacks the "
                + t + " task on the page: " + ("MESSAGING".equals(t) ? "Messenger replies" : "comment moderation")
                + " may be refused."));
        if (page.instagramAccountId() == null) {
            warnings.add("The page has no Instagram professional account linked: Instagram is not connected.");
        }
        log.info("Tenant {} chose Facebook page {} (Instagram account {})", tenantId, pageId, page.instagramAccountId());
        return new Chosen(page, warnings);
    }

    /** The chosen page read live from Meta, with the integration's status and what is known of its tokens. */
    public PageStatus page(String tenantId) {
        Tenant tenant = tenants.require(tenantId);
        String pageId = Optional.ofNullable(tenant.identities()).map(i -> i.get("facebook")).orElse(null);
        String pageToken = vault.credentials(tenantId, TokenChecks.MESSENGER).map(c -> c.get("accessToken")).orElse(null);
        if (pageId == null || pageToken == null) {
            userToken(tenantId); // 404 facebook-not-connected first, when nothing is
            throw new ProblemException(404, "facebook-page-not-chosen", "No Facebook page chosen",
                    "Choose the tenant's page with PUT /api/v1/facebook/page.");
        }
        boolean reauth = accounts.needsReauth(tenantId, TokenChecks.MESSENGER)
                || accounts.needsReauth(tenantId, TokenChecks.INSTAGRAM);
        PageInfo info = null;
        if (!reauth) { // no call with a token Meta already refused
            try {
                info = pageInfo(graph.page(pageId, pageToken));
            } catch (FacebookGraph.TokenRefused e) {
                accounts.markRevoked(tenantId, TokenChecks.MESSENGER, pageToken, e.code(),
                        "reading page " + pageId + ": Graph error " + e.code());
                reauth = true;
            }
        }
        List<TokenStatus> tokens = new ArrayList<>();
        for (String provider : TokenChecks.PROVIDERS) {
            store.get(MetaAccounts.statusPath(tenantId, provider)).ifPresent(d -> tokens.add(tokenStatus(tenantId, provider, d)));
        }
        return new PageStatus(pageId, reauth ? MetaAccounts.NEEDS_REAUTH : MetaAccounts.CONNECTED, info, tokens);
    }

    private TokenStatus tokenStatus(String tenantId, String provider, Document d) {
        Object valid = d.field("tokenCheck.valid");
        long expiresAt = d.field("tokenCheck.expiresAt") instanceof Number n ? n.longValue() : 0;
        Object checkedAt = d.field("tokenCheck.checkedAt");
        return new TokenStatus(provider,
                accounts.needsReauth(tenantId, provider) ? MetaAccounts.NEEDS_REAUTH : MetaAccounts.CONNECTED,
                valid instanceof Boolean b ? b : null, expiresAt > 0 ? Instant.ofEpochSecond(expiresAt) : null,
                checkedAt == null ? null : Instant.parse(checkedAt.toString()));
    }

    private static PageInfo pageInfo(JsonNode p) {
        return new PageInfo(p.path("id").asText(null), p.path("name").asText(null), p.path("category").asText(null),
                p.path("link").asText(null), p.has("fan_count") ? p.path("fan_count").asLong() : null,
                p.has("followers_count") ? p.path("followers_count").asLong() : null,
                p.path("instagram_business_account").path("id").asText(null));
    }

    /** The pages with their tokens; a refused user token marks the login {@code needs-reauth}. */
    private List<PageGrant> grants(String tenantId, String userToken) {
        if (accounts.needsReauth(tenantId, TokenChecks.USER)) {
            throw needsReauth();
        }
        try {
            return graph.accounts(userToken);
        } catch (FacebookGraph.TokenRefused e) {
            accounts.markRevoked(tenantId, TokenChecks.USER, userToken, e.code(), "listing pages: Graph error " + e.code());
            throw needsReauth();
        }
    }

    private String userToken(String tenantId) {
        return vault.credentials(tenantId, TokenChecks.USER).map(c -> c.get("accessToken"))
                .orElseThrow(() -> new ProblemException(404, "facebook-not-connected", "Facebook not connected",
                        "This tenant has not connected Facebook; POST /api/v1/facebook/connect with the user access "
                                + "token of Facebook Login."));
    }

    private static ProblemException needsReauth() {
        return new ProblemException(409, "facebook-needs-reauth", "Facebook login needs renewing",
                "Meta refused the stored Facebook login as expired or revoked; log in with Facebook again and "
                        + "POST /api/v1/facebook/connect.");
    }

    /** A page token kept for a channel, marked as set from the chosen page. */
    private void keep(String tenantId, String provider, String token, String pageId) {
        vault.put(tenantId, provider, Map.of("accessToken", token));
        accounts.markConnected(tenantId, provider);
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("source", SOURCE);
        source.put("pageId", pageId);
        store.merge(MetaAccounts.statusPath(tenantId, provider), source);
    }

    /** Whether the tenant's credential for {@code provider} was set from a chosen page (not by an operator). */
    private boolean ours(String tenantId, String provider) {
        return store.get(MetaAccounts.statusPath(tenantId, provider)).map(d -> SOURCE.equals(d.field("source")))
                .orElse(false);
    }
}
