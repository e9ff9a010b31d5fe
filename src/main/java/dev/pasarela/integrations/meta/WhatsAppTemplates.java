package dev.pasarela.integrations.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.api.ProblemException;
import dev.pasarela.messaging.RejectedByProviderException;
import dev.pasarela.pipeline.errors.TransientException;
import dev.pasarela.api.RateLimitedException;
import dev.pasarela.pipeline.transform.TemplateStatusChanged;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.Paths;
import dev.pasarela.store.Query;
import java.time.Duration;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A tenant's WhatsApp message templates, cached at {@code tenants/{t}/whatsappTemplates/{name}:{language}}.
 * The cache is synced from the WhatsApp Business Account ({@code GET /{waba}/message_templates})
 * when older than {@code pasarela.whatsapp.templates-cache-ttl}: Meta allows a WABA's
 * management endpoints only 200 calls an hour. When Meta cannot be asked, the last copy is
 * served, marked stale. {@code message_template_status_update} webhooks move a template's status.
 */
@Component
public class WhatsAppTemplates {

    public record Listing(List<Map<String, Object>> templates, String syncedAt, boolean stale) {}

    private static final Logger log = LoggerFactory.getLogger(WhatsAppTemplates.class);
    private static final int MAX_PAGES = 10; // a WABA holds at most 250 templates

    private final GraphApi graph;
    private final MetaAccounts accounts;
    private final DocumentStore store;
    private final Duration ttl;
    private final ObjectMapper json;
    private final Clock clock;

    public WhatsAppTemplates(GraphApi graph, MetaAccounts accounts, DocumentStore store,
                             WhatsAppProperties whatsapp, ObjectMapper json, Clock clock) {
        this.graph = graph;
        this.accounts = accounts;
        this.store = store;
        this.ttl = whatsapp.templatesCacheTtl();
        this.json = json;
        this.clock = clock;
    }

    static String collection(String tenantId) {
        return TenantRepository.path(tenantId) + "/whatsappTemplates";
    }

    static String path(String tenantId, String name, String language) {
        return collection(tenantId) + "/" + Paths.segment(name + ":" + language);
    }

    public Listing list(String tenantId, boolean refresh) {
        String syncedAt = (String) store.get(MetaAccounts.statusPath(tenantId, "whatsapp"))
                .map(d -> d.field("templatesSyncedAt")).orElse(null);
        boolean fresh = syncedAt != null && Instant.parse(syncedAt).plus(ttl).isAfter(clock.instant());
        if (!fresh || refresh) {
            try {
                syncedAt = sync(tenantId);
            } catch (ProblemException e) {
                if (syncedAt == null || e.status() == 409) {
                    throw e;
                }
                log.warn("Templates of {} not synced, serving the copy of {}: {}", tenantId, syncedAt, e.detail());
                return new Listing(cached(tenantId), syncedAt, true);
            }
        }
        return new Listing(cached(tenantId), syncedAt, false);
    }

    /** The cached status of a template, if the gateway knows it. */
    public Optional<String> status(String tenantId, String name, String language) {
        return store.get(path(tenantId, name, language)).map(d -> (String) d.field("status"));
    }

    private List<Map<String, Object>> cached(String tenantId) {
        return store.query(collection(tenantId), Query.all()).stream().map(Document::data)
                .sorted(java.util.Comparator.comparing(d -> d.get("name") + ":" + d.get("language"))).toList();
    }

    private String sync(String tenantId) {
        MetaAccounts.Account account = account(tenantId);
        String now = clock.instant().toString();
        List<Map<String, Object>> seen = new ArrayList<>();
        String after = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("fields", "id,name,status,category,language,components,rejected_reason");
            query.put("limit", "100");
            if (after != null) {
                query.put("after", after);
            }
            JsonNode answer = call(tenantId, account, () -> graph.get("/" + account.businessAccountId()
                    + "/message_templates", query, account.token()));
            for (JsonNode t : answer.path("data")) {
                Map<String, Object> doc = template(t);
                doc.put("syncedAt", now);
                seen.add(doc);
            }
            after = answer.path("paging").path("cursors").path("after").asText(null);
            if (after == null || !answer.path("paging").has("next")) {
                break;
            }
        }
        Set<String> keep = new HashSet<>();
        for (Map<String, Object> doc : seen) {
            String p = path(tenantId, (String) doc.get("name"), (String) doc.get("language"));
            keep.add(p);
            store.set(p, doc);
        }
        for (Document d : store.query(collection(tenantId), Query.all())) {
            if (!keep.contains(d.path())) {
                store.delete(d.path()); // deleted at Meta
            }
        }
        store.merge(MetaAccounts.statusPath(tenantId, "whatsapp"), Map.of("templatesSyncedAt", now));
        return now;
    }

    /** Submits a new template for Meta's review; it is cached as Meta answers ({@code PENDING} usually). */
    @SuppressWarnings("unchecked")
    /** Submits a template checked by its record's constraints; each component needs a type, as Meta requires. */
    public Map<String, Object> submit(String tenantId, WhatsAppTemplateSubmission request) {
        String name = request.name();
        String language = request.language();
        String category = request.category();
        List<Map<String, Object>> components = request.components();
        if (!components.stream().allMatch(c -> c != null && c.get("type") instanceof String)) {
            throw invalid("components must be a non-empty list of objects with a type (BODY, HEADER, FOOTER, BUTTONS).");
        }
        MetaAccounts.Account account = account(tenantId);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("language", language);
        body.put("category", category);
        body.put("components", components);
        if (request.parameterFormat() != null) {
            body.put("parameter_format", request.parameterFormat());
        }
        JsonNode answer = call(tenantId, account, () -> graph.post("/" + account.businessAccountId()
                + "/message_templates", body, account.token()));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("id", answer.path("id").asText());
        doc.put("name", name);
        doc.put("language", language);
        doc.put("status", answer.path("status").asText("PENDING"));
        doc.put("category", answer.path("category").asText(category));
        doc.put("components", components);
        doc.put("submittedAt", clock.instant().toString());
        store.set(path(tenantId, name, language), doc);
        return doc;
    }

    /** A status webhook: applied when newer than what the cache holds. */
    public void apply(TemplateStatusChanged e) {
        String p = path(e.tenantId(), e.name(), e.language());
        store.runTransaction(tx -> {
            Map<String, Object> doc = new LinkedHashMap<>(tx.get(p).map(Document::data).orElseGet(Map::of));
            Object at = doc.get("statusAt");
            if (at != null && !Instant.parse(at.toString()).isBefore(e.occurredAt())) {
                return null;
            }
            doc.put("id", e.templateId());
            doc.put("name", e.name());
            doc.put("language", e.language());
            doc.put("status", e.status());
            doc.put("statusAt", e.occurredAt().toString());
            if (e.reason() != null && !"NONE".equals(e.reason())) {
                doc.put("reason", e.reason());
            } else {
                doc.remove("reason");
            }
            tx.set(p, doc);
            return null;
        });
    }

    private Map<String, Object> template(JsonNode t) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("id", t.path("id").asText());
        doc.put("name", t.path("name").asText());
        doc.put("language", t.path("language").asText());
        doc.put("status", t.path("status").asText());
        doc.put("category", t.path("category").asText(null));
        doc.put("components", json.convertValue(t.path("components"), List.class));
        if (t.hasNonNull("rejected_reason") && !"NONE".equals(t.path("rejected_reason").asText())) {
            doc.put("reason", t.path("rejected_reason").asText());
        }
        return doc;
    }

    private MetaAccounts.Account account(String tenantId) {
        MetaAccounts.Account account;
        try {
            account = accounts.account(tenantId, "whatsapp");
            accounts.checkNotRevoked(tenantId, account);
        } catch (RejectedByProviderException e) {
            throw notConfigured(e.getMessage());
        }
        if (account.businessAccountId() == null) {
            throw notConfigured("tenant " + tenantId + " has no WhatsApp Business Account id (identity "
                    + "'whatsapp-business-account', vault field businessAccountId, or WHATSAPP_BUSINESS_ACCOUNT_ID)");
        }
        return account;
    }

    /** Meta's answer to a management call, as the caller should see it. */
    private JsonNode call(String tenantId, MetaAccounts.Account account, java.util.function.Supplier<JsonNode> call) {
        try {
            return call.get();
        } catch (TransientException e) {
            throw new ProblemException(503, "provider-unavailable", "WhatsApp unavailable",
                    "The Graph API could not be reached; retry later.");
        } catch (GraphException e) {
            if (e.kind() == GraphException.Kind.TRANSIENT) {
                throw e.code() == 4 || e.code() == 80007
                        ? new RateLimitedException("provider-rate-limited", "WhatsApp management limit reached",
                                "Meta limits template calls per WhatsApp Business Account per hour: " + e.describe(), 60)
                        : new ProblemException(503, "provider-unavailable", "WhatsApp unavailable", e.describe());
            }
            if (e.kind() == GraphException.Kind.TOKEN) {
                accounts.markRevoked(tenantId, account, e);
                throw new ProblemException(502, "provider-credentials-rejected", "WhatsApp token rejected",
                        "Meta refused the tenant's WhatsApp access token as revoked or expired; an operator must "
                                + "store a new one.");
            }
            throw new ProblemException(e.code() == 2388019 ? 409 : 422, "template-refused", "Refused by WhatsApp",
                    e.describe());
        }
    }


    private static ProblemException invalid(String detail) {
        return new ProblemException(400, "invalid-request", "Invalid request", detail);
    }

    private static ProblemException notConfigured(String detail) {
        return new ProblemException(409, "channel-not-configured", "WhatsApp not configured", detail + ".");
    }
}
