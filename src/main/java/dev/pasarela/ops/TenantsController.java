package dev.pasarela.ops;

import dev.pasarela.tenants.Tenant;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.Query;
import java.util.List;
import java.util.Map;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pasarela.api.ProblemException;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/ops/tenants")
public class TenantsController {

    private final TenantRepository tenants;
    private final DocumentStore store;
    private final ObjectMapper json;

    public TenantsController(TenantRepository tenants, DocumentStore store, ObjectMapper json) {
        this.tenants = tenants;
        this.store = store;
        this.json = json;
    }

    @GetMapping
    List<Tenant> list() {
        return tenants.list();
    }

    @GetMapping("/{id}")
    Tenant get(@PathVariable String id) {
        return tenants.require(id);
    }

    @PutMapping("/{id}")
    ResponseEntity<Tenant> put(@PathVariable String id, @Valid @RequestBody TenantProfile profile) {
        boolean created = tenants.upsert(id, profile);
        return ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK).body(get(id));
    }

    /**
     * JSON merge patch (RFC 7396) of a tenant's profile: members given replace theirs, objects
     * (identities, messaging) merge member by member, null removes. The result is checked and
     * written whole, moving the routing index with the identities as PUT does.
     */
    @PatchMapping(value = "/{id}", consumes = "application/merge-patch+json")
    Tenant patch(@PathVariable String id, @RequestBody JsonNode patch) {
        if (!patch.isObject()) {
            throw new ProblemException(400, "invalid-request", "Invalid request",
                    "A merge patch of a tenant is a JSON object, e.g. {\"name\": \"Autos Centro\"}.");
        }
        Map<String, Object> current = tenants.profile(id).orElseThrow(() -> new ProblemException(404,
                "tenant-not-found", "Tenant not found", "No tenant '" + id + "'; PUT creates one."));
        JsonNode merged = mergePatch(json.valueToTree(current), patch);
        TenantProfile profile;
        try {
            profile = json.treeToValue(merged, TenantProfile.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            throw new ProblemException(400, "invalid-request", "Invalid request",
                    "The patched tenant is not a tenant profile: a field is unknown or has the wrong type.");
        }
        tenants.replace(id, profile);
        return get(id);
    }

    /** RFC 7396 section 2, as its pseudo-code says. */
    static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy()
                : JsonNodeFactory.instance.objectNode();
        patch.fields().forEachRemaining(e -> {
            if (e.getValue().isNull()) {
                result.remove(e.getKey());
            } else {
                result.set(e.getKey(), mergePatch(result.get(e.getKey()), e.getValue()));
            }
        });
        return result;
    }

    /** The provider events processed for a tenant, newest first: applied, or stale (older than the state). */
    @GetMapping("/{id}/events")
    List<Map<String, Object>> events(@PathVariable String id, @RequestParam(defaultValue = "100") int limit) {
        get(id);
        return store.query(TenantRepository.path(id) + "/events",
                        Query.all().orderBy("processedAt", true).limit(Math.max(1, Math.min(limit, 1000))))
                .stream().map(Document::data).toList();
    }
}
