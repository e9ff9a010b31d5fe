package dev.pasarela.tenants;

import dev.pasarela.pipeline.tenant.TenantDirectory;
import dev.pasarela.pipeline.tenant.TenantRoutesChanged;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.api.ProblemException;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.Query;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Tenants at {@code tenants/{id}} and the routing index at {@code routing/{provider}:{externalId}},
 * kept consistent in one store transaction.
 */
@Component
public class TenantRepository implements TenantDirectory {

    public static final String TENANTS = "tenants";
    private static final Pattern PROVIDER = Pattern.compile("[a-z][a-z0-9-]{0,30}");
    private static final Pattern EXTERNAL_ID = Pattern.compile("[^/\\s]{1,200}");

    private final DocumentStore store;
    private final PlanCatalog plans;
    private final ApplicationEventPublisher events;
    private final ObjectMapper json; // Boot's: unknown document fields are ignored, as stored tenants grow fields

    public TenantRepository(DocumentStore store, PlanCatalog plans, ApplicationEventPublisher events,
                            ObjectMapper json) {
        this.store = store;
        this.plans = plans;
        this.events = events;
        this.json = json;
    }

    public static String path(String tenantId) {
        return TENANTS + "/" + tenantId;
    }

    public static String routingPath(String routingKey) {
        return TenantDirectory.routingPath(routingKey);
    }

    @Override
    public boolean exists(String tenantId) {
        return Tenant.isValidId(tenantId) && store.get(path(tenantId)).isPresent();
    }

    public static String routingKey(String provider, String externalId) {
        return provider + ":" + externalId;
    }

    public Optional<Tenant> find(String id) {
        if (!Tenant.isValidId(id)) {
            return Optional.empty();
        }
        return store.get(path(id)).map(this::toTenant);
    }

    /** The tenant, or a 404 problem. */
    public Tenant require(String id) {
        return find(id).orElseThrow(() -> new ProblemException(404, "tenant-not-found", "Tenant not found",
                "No tenant with id '" + id + "'."));
    }

    public List<Tenant> list() {
        return store.query(TENANTS, Query.all()).stream().map(this::toTenant).toList();
    }

    public Tenant toTenant(Document d) {
        Map<String, Object> data = new HashMap<>(d.data());
        data.put("id", d.id());
        return json.convertValue(data, Tenant.class);
    }

    /** How a profile meets the stored tenant. */
    private enum Mode {
        /** PUT: the fields given replace theirs (identities as a whole); a field left out keeps its value. */
        MERGE,
        /** The tenants file: as MERGE, but the plan is the subscription's and identities are only added. */
        SEED,
        /** PATCH, after the merge patch was applied to the whole profile: a field left out is removed. */
        REPLACE
    }

    /**
     * Creates or updates a tenant's profile as an operator states it (PUT); true when it was created.
     * Every field left out (null) keeps its stored value, identities included; {@code "identities": {}}
     * removes them all.
     */
    public boolean upsert(String id, TenantProfile profile) {
        return upsert(id, profile, Mode.MERGE);
    }

    /**
     * Writes the whole profile (PATCH, once its merge patch is applied): a field that is null is
     * removed (callbackUrl, messaging, identities; timezone back to UTC), except the plan, which only
     * a value or the subscription changes. The routing index follows the identities.
     */
    public void replace(String id, TenantProfile profile) {
        upsert(id, profile, Mode.REPLACE);
    }

    /** The operator-settable part of a stored tenant, as PUT and PATCH take it (JSON field names). */
    public Optional<Map<String, Object>> profile(String id) {
        return store.get(path(id)).map(TenantRepository::profileOf);
    }

    private static Map<String, Object> profileOf(Document d) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String f : List.of("name", "plan", "timezone", "identities", "callbackUrl", "messaging")) {
            if (d.field(f) != null) {
                out.put(f, d.field(f));
            }
        }
        return out;
    }

    /**
     * PATCH: the stored profile (as {@link #profile} gives it) read, changed by {@code change} and
     * written whole ({@link #replace}) in one store transaction, so a concurrent write is not lost.
     * A tenant that does not exist is a 404.
     */
    public void patch(String id, java.util.function.Function<Map<String, Object>, TenantProfile> change) {
        write(id, existing -> {
            TenantProfile profile = change.apply(profileOf(existing.orElseThrow(() -> new ProblemException(404,
                    "tenant-not-found", "Tenant not found", "No tenant '" + id + "'; PUT creates one."))));
            validate(id, profile);
            return profile;
        }, Mode.REPLACE);
    }

    /**
     * Creates or updates a tenant from the tenants file at start-up. Unlike {@link #upsert}, it
     * never changes the plan of an existing tenant (its subscription sets it) and keeps the
     * identities the gateway learnt since (a Stripe customer id, say): the file adds, it does not remove.
     */
    public boolean seed(String id, TenantProfile profile) {
        return upsert(id, profile, Mode.SEED);
    }

    private boolean upsert(String id, TenantProfile checked, Mode mode) {
        validate(id, checked);
        return write(id, existing -> checked, mode);
    }

    private boolean write(String id, java.util.function.Function<Optional<Document>, TenantProfile> profileOf,
                          Mode mode) {
        boolean seed = mode == Mode.SEED;
        boolean created = store.runTransaction(tx -> {
            Optional<Document> existing = tx.get(path(id));
            TenantProfile profile = profileOf.apply(existing);
            Map<String, String> given = profile.identities() == null ? Map.of() : profile.identities();
            Map<String, String> previous = existing.map(d -> stringMap(d.field("identities"))).orElse(Map.of());
            // PUT without identities keeps them: a rename must not silently stop the tenant's webhooks
            boolean keep = seed || mode == Mode.MERGE && profile.identities() == null;
            Map<String, String> identities = new TreeMap<>(keep ? previous : Map.of());
            identities.putAll(given);
            for (Map.Entry<String, String> e : identities.entrySet()) {
                String key = routingKey(e.getKey(), e.getValue());
                Optional<Document> route = tx.get(routingPath(key));
                Object owner = route.map(r -> r.field("tenantId")).orElse(null);
                if (owner != null && !owner.equals(id)) {
                    throw new ProblemException(409, "identity-conflict", "Identity already in use",
                            "The " + e.getKey() + " identity is already mapped to another tenant.");
                }
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("name", profile.name());
            Object storedPlan = existing.map(d -> d.field("plan")).orElse(null);
            doc.put("plan", storedPlan != null && (seed || profile.plan() == null) ? storedPlan
                    : profile.plan() != null ? profile.plan() : plans.defaultPlan());
            doc.put("timezone", profile.timezone() != null ? profile.timezone()
                    : mode == Mode.REPLACE ? "UTC" : existing.map(d -> d.field("timezone")).orElse("UTC"));
            String callback = profile.callbackUrl() != null || mode == Mode.REPLACE ? profile.callbackUrl()
                    : (String) existing.map(d -> d.field("callbackUrl")).orElse(null);
            doc.put("callbackUrl", callback == null || callback.isBlank() ? null : callback);
            if (profile.messaging() != null) {
                doc.put("messaging", json.convertValue(profile.messaging(), Map.class));
            }
            Map<String, Object> ids = new TreeMap<>(identities);
            doc.put("identities", ids);
            if (existing.isEmpty()) {
                doc.put("revision", 0L);
                tx.set(path(id), doc);
            } else {
                Map<String, Object> merged = new LinkedHashMap<>(existing.get().data());
                merged.putAll(doc); // identities replaced as a whole, subscription kept
                if (mode == Mode.REPLACE && profile.messaging() == null) {
                    merged.remove("messaging");
                }
                tx.set(path(id), merged);
            }
            previous.forEach((provider, externalId) -> {
                if (!externalId.equals(identities.get(provider))) {
                    tx.delete(routingPath(routingKey(provider, externalId)));
                }
            });
            identities.forEach((provider, externalId) ->
                    tx.set(routingPath(routingKey(provider, externalId)), Map.of("tenantId", id)));
            return existing.isEmpty();
        });
        events.publishEvent(new TenantRoutesChanged(id));
        return created;
    }

    /** Looked up when a profile is checked: the channels' beans need this repository themselves. */
    private ObjectProvider<NotificationChannelNames> channelNames;

    @Autowired
    void setChannelNames(ObjectProvider<NotificationChannelNames> channelNames) {
        this.channelNames = channelNames;
    }

    private void validate(String id, TenantProfile p) {
        if (!Tenant.isValidId(id)) {
            throw invalid("Tenant ids are 1-63 characters of a-z, 0-9 and '-', starting with a letter or digit.");
        }
        if (p.name() == null || p.name().isBlank()) {
            throw invalid("name is required.");
        }
        if (p.plan() != null && !plans.exists(p.plan())) {
            throw invalid("Unknown plan '" + p.plan() + "'; known plans: " + plans.names() + ".");
        }
        if (p.callbackUrl() != null && !p.callbackUrl().isBlank() && !validCallback(p.callbackUrl())) {
            throw invalid("callbackUrl must be an https URL (http only to localhost).");
        }
        if (p.messaging() != null && p.messaging().stopWords() != null
                && p.messaging().stopWords().stream().anyMatch(w -> w == null || w.isBlank() || w.length() > 50)) {
            throw invalid("messaging.stopWords must be words of 1-50 characters.");
        }
        if (p.messaging() != null && p.messaging().quietHours() != null) {
            Messaging.QuietHours q = p.messaging().quietHours();
            try {
                java.time.LocalTime.parse(String.valueOf(q.start()));
                java.time.LocalTime.parse(String.valueOf(q.end()));
            } catch (java.time.format.DateTimeParseException e) {
                throw invalid("messaging.quietHours needs start and end as local times such as 21:00 and 08:00.");
            }
        }
        if (p.messaging() != null && p.messaging().channelPolicy() != null) {
            List<String> known = channelNames.getObject().notificationChannels();
            if (!known.containsAll(p.messaging().channelPolicy())) {
                throw invalid("messaging.channelPolicy lists channels among " + String.join(", ", known) + ".");
            }
        }
        if (p.timezone() != null) {
            try {
                ZoneId.of(p.timezone());
            } catch (DateTimeException e) {
                throw invalid("Unknown timezone '" + p.timezone() + "'; use an IANA zone id such as Europe/Madrid.");
            }
        }
        if (p.identities() != null) {
            p.identities().forEach((provider, externalId) -> {
                if (provider == null || !PROVIDER.matcher(provider).matches()) {
                    throw invalid("Identity providers are lower-case names such as stripe or whatsapp.");
                }
                if (externalId == null || !EXTERNAL_ID.matcher(externalId).matches()) {
                    throw invalid("The " + provider + " identity must be 1-200 characters without '/' or spaces.");
                }
            });
        }
    }

    private static boolean validCallback(String url) {
        try {
            java.net.URI u = new java.net.URI(url);
            return u.getHost() != null && u.getRawUserInfo() == null && ("https".equals(u.getScheme())
                    || "http".equals(u.getScheme()) && ("localhost".equals(u.getHost()) || "127.0.0.1".equals(u.getHost())));
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(400, "invalid-tenant", "Invalid tenant", detail);
    }

    private static Map<String, String> stringMap(Object v) {
        Map<String, String> out = new HashMap<>();
        if (v instanceof Map<?, ?> m) {
            m.forEach((k, x) -> out.put(String.valueOf(k), String.valueOf(x)));
        }
        return out;
    }
}
