package dev.pasarela.integrations.meta.pages;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pasarela.api.ProblemException;
import dev.pasarela.integrations.meta.GraphApi;
import dev.pasarela.integrations.meta.GraphException;
import dev.pasarela.integrations.meta.GraphProblems;
import dev.pasarela.integrations.meta.MetaWebhookProperties;
import dev.pasarela.pipeline.errors.TransientException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * The Graph calls of page management, on {@link GraphApi}: exchanging a Facebook Login token for a
 * long-lived one, listing the user's pages with their page tokens, reading a page, and asking
 * {@code /debug_token} about a token. Meta's refusals become problems here (never Meta's message:
 * it may quote a malformed token back), except a refused token ({@link GraphException.Kind#TOKEN}),
 * which is a {@link TokenRefused} for the caller to decide: a bad login to report, or an
 * integration that needs the tenant to log in again.
 *
 * <p>Two calls carry secrets in their query because Meta's API takes them nowhere else: the
 * exchange ({@code client_secret}, {@code fb_exchange_token}) and {@code /debug_token}
 * ({@code input_token}). {@link GraphApi} logs no URL and its metrics tag no URI, and nothing here
 * puts a URL in a message.
 */
@Component
class FacebookGraph {

    static final String ACCOUNT_FIELDS = "id,name,category,tasks,access_token,instagram_business_account";
    static final String PAGE_FIELDS = "id,name,category,link,fan_count,followers_count,instagram_business_account";

    /** A long-lived user token; {@code expiresAt} null when Meta gave no lifetime (it does not expire). */
    record LongLivedToken(String accessToken, Instant expiresAt) {
        @Override
        public String toString() {
            return "LongLivedToken[expiresAt=" + expiresAt + "]";
        }
    }

    /** Meta refused the token itself (190, 463, 467…): expired, revoked or never valid. */
    static final class TokenRefused extends RuntimeException {
        private final int code;

        TokenRefused(int code) {
            super("Meta refused the access token (Graph error " + code + ")");
            this.code = code;
        }

        int code() {
            return code;
        }
    }

    private final GraphApi graph;
    private final MetaWebhookProperties app;
    private final FacebookPagesProperties properties;
    private final Clock clock;

    FacebookGraph(GraphApi graph, MetaWebhookProperties app, FacebookPagesProperties properties, Clock clock) {
        this.graph = graph;
        this.app = app;
        this.properties = properties;
        this.clock = clock;
    }

    boolean appConfigured() {
        return app.appConfigured();
    }

    /** {@code {app-id}|{app-secret}}: the app's own access token, for the calls the app makes as itself. */
    private String appToken() {
        if (!app.appConfigured()) {
            throw new ProblemException(503, "meta-app-not-configured", "Meta app not configured",
                    "The gateway has no Meta app id and secret (META_APP_ID, META_APP_SECRET): Facebook pages "
                            + "cannot be connected until an operator sets them.");
        }
        return app.appId() + "|" + app.appSecret();
    }

    /** {@code GET /oauth/access_token?grant_type=fb_exchange_token…}: about 60 days instead of about 2 hours. */
    LongLivedToken exchange(String shortLivedToken) {
        String appToken = appToken();
        Map<String, String> query = new LinkedHashMap<>();
        query.put("grant_type", "fb_exchange_token");
        query.put("client_id", app.appId());
        query.put("client_secret", app.appSecret());
        query.put("fb_exchange_token", shortLivedToken);
        JsonNode answer = call(() -> graph.get("/oauth/access_token", query, appToken));
        String token = answer.path("access_token").asText("");
        if (token.isBlank()) {
            throw unexpected("/oauth/access_token");
        }
        long expiresIn = answer.path("expires_in").asLong(0);
        return new LongLivedToken(token, expiresIn > 0 ? clock.instant().plusSeconds(expiresIn) : null);
    }

    /**
     * {@code GET /me/accounts}: every page the user manages, with its page token, following the
     * {@code after} cursor (not {@code paging.next}, a URL that carries the token) for at most
     * {@code pasarela.meta.pages.max-account-pages} pages.
     */
    List<PageGrant> accounts(String userToken) {
        List<PageGrant> grants = new ArrayList<>();
        String after = null;
        for (int i = 0; i < properties.maxAccountPages(); i++) {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("fields", ACCOUNT_FIELDS);
            query.put("limit", "100");
            if (after != null) {
                query.put("after", after);
            }
            JsonNode answer = call(() -> graph.get("/me/accounts", query, userToken));
            for (JsonNode p : answer.path("data")) {
                List<String> tasks = new ArrayList<>();
                p.path("tasks").forEach(t -> tasks.add(t.asText()));
                String ig = p.path("instagram_business_account").path("id").asText(null);
                grants.add(new PageGrant(new FacebookPage(p.path("id").asText(), p.path("name").asText(null),
                        p.path("category").asText(null), List.copyOf(tasks), ig), p.path("access_token").asText(null)));
            }
            after = answer.path("paging").path("cursors").path("after").asText(null);
            if (!answer.path("paging").has("next") || after == null) {
                break;
            }
        }
        return grants;
    }

    /** {@code GET /{page-id}?fields=…} with the page token. */
    JsonNode page(String pageId, String pageToken) {
        return call(() -> graph.get("/" + pageId, Map.of("fields", PAGE_FIELDS), pageToken));
    }

    /**
     * {@code GET /debug_token?input_token=…}, authorised by the app token. The app token goes in the
     * {@code Authorization} header rather than the {@code access_token} query parameter of Meta's
     * example (Meta accepts either), so the app secret is in no URI.
     */
    TokenDebug debug(String token) {
        String appToken = appToken();
        JsonNode data = call(() -> graph.get("/debug_token", Map.of("input_token", token), appToken)).path("data");
        if (data.isMissingNode()) {
            throw unexpected("/debug_token");
        }
        List<String> scopes = new ArrayList<>();
        data.path("scopes").forEach(s -> scopes.add(s.asText()));
        return new TokenDebug(data.path("is_valid").asBoolean(false), data.path("expires_at").asLong(0),
                data.path("data_access_expires_at").asLong(0), List.copyOf(scopes), data.path("type").asText(null),
                data.path("error").path("code").asInt(0), data.path("error").path("subcode").asInt(0));
    }

    private JsonNode call(Supplier<JsonNode> request) {
        try {
            return request.get();
        } catch (GraphException e) {
            throw translate(e);
        } catch (TransientException e) {
            throw new ProblemException(503, "meta-unavailable", "Meta unavailable",
                    "The Graph API did not answer; retry later.").retryAfter(30);
        }
    }

    /** Meta's code and nothing of its message. */
    static RuntimeException translate(GraphException e) {
        if (e.kind() == GraphException.Kind.TOKEN) {
            return new TokenRefused(e.code());
        }
        return GraphProblems.of(e);
    }

    private static ProblemException unexpected(String path) {
        return new ProblemException(502, "meta-unexpected-answer", "Unexpected answer from Meta",
                "Meta answered " + path + " without the expected fields.");
    }
}
