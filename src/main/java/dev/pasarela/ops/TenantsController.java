package dev.pasarela.ops;

import dev.pasarela.tenants.Tenant;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.Query;
import java.util.List;
import java.util.Map;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.stream.Collectors;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
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
    private final Validator validator;

    public TenantsController(TenantRepository tenants, DocumentStore store, ObjectMapper json, Validator validator) {
        this.tenants = tenants;
        this.store = store;
        this.json = json;
        this.validator = validator;
    }

    @GetMapping
    List<Tenant> list() {
        return tenants.list();
    }

    @GetMapping("/{id}")
    Tenant get(@PathVariable String id) {
        return tenants.require(id);
    }

    /**
     * Creates or updates a tenant; fields left out keep their stored value (identities too). A field
     * the profile does not have is refused by name rather than dropped, so a typo is not a silent no-op.
     */
    @PutMapping("/{id}")
    ResponseEntity<Tenant> put(@PathVariable String id,
                               @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content =
                               @io.swagger.v3.oas.annotations.media.Content(schema =
                               @io.swagger.v3.oas.annotations.media.Schema(implementation = TenantProfile.class)))
                               @RequestBody JsonNode body) {
        if (body != null && body.hasNonNull("id") && !id.equals(body.get("id").asText())) {
            throw invalid("The body's id is not the path's: a tenant's id cannot change.");
        }
        boolean created = tenants.upsert(id, checked(body));
        return ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK).body(get(id));
    }

    /**
     * JSON merge patch (RFC 7396) of a tenant's profile: members given replace theirs, objects
     * (identities, messaging) merge member by member, null removes. The result is checked as PUT's
     * body is (unknown fields, Bean Validation) and written whole, moving the routing index with the
     * identities, in the transaction that read it.
     */
    @PatchMapping(value = "/{id}", consumes = "application/merge-patch+json")
    Tenant patch(@PathVariable String id, @RequestBody JsonNode patch) {
        if (!patch.isObject()) {
            throw invalid("A merge patch of a tenant is a JSON object, e.g. {\"name\": \"Autos Centro\"}.");
        }
        tenants.patch(id, current -> checked(mergePatch(json.valueToTree(current), patch)));
        return get(id);
    }

    /**
     * A tenant's fields that no profile sets (id, subscription, revision): a GET's answer sent back as
     * PUT's body is taken, and they are left as they are, not refused as unknown.
     */
    private static final java.util.Set<String> READ_ONLY = java.util.Arrays.stream(Tenant.class.getRecordComponents())
            .map(java.lang.reflect.RecordComponent::getName)
            .filter(n -> java.util.Arrays.stream(TenantProfile.class.getRecordComponents()).noneMatch(c -> c.getName().equals(n)))
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    /** A profile as PUT takes it and as PATCH leaves it: known fields only, of the right types, valid. */
    TenantProfile checked(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw invalid("A tenant profile is a JSON object, e.g. {\"name\": \"Autos Centro\"}.");
        }
        List<String> unknown = new ArrayList<>();
        TenantProfile profile;
        try {
            profile = json.readerFor(TenantProfile.class).withHandler(new DeserializationProblemHandler() {
                @Override
                public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p,
                                                     JsonDeserializer<?> deserializer, Object bean, String name)
                        throws java.io.IOException {
                    String field = fieldPath(p, name);
                    if (!READ_ONLY.contains(field)) {
                        unknown.add(field);
                    }
                    p.skipChildren();
                    return true;
                }
            }).readValue(body);
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            String field = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            throw invalid((field.isEmpty() ? "A field" : field) + " has the wrong type.");
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw invalid("The body is not a tenant profile: a field has the wrong type.");
        }
        if (!unknown.isEmpty()) {
            throw invalid("Unknown field" + (unknown.size() > 1 ? "s " : " ") + named(unknown)
                    + "; a tenant profile has name, plan, timezone, identities, callbackUrl and messaging.");
        }
        String violations = validator.validate(profile).stream().map(v -> {
            String field = v.getPropertyPath().toString();
            return v.getMessage().startsWith(field) ? v.getMessage() : field + " " + v.getMessage() + ".";
        }).distinct().sorted().collect(Collectors.joining(" "));
        if (!violations.isEmpty()) {
            throw invalid(violations);
        }
        return profile;
    }

    private static final java.util.regex.Pattern FIELD_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_.\\[\\]-]{1,64}");

    /**
     * The unknown fields as the answer names them: a name that looks like one, at most ten of them.
     * They are the caller's text, so nothing else of it is echoed back.
     */
    static String named(List<String> unknown) {
        List<String> names = unknown.stream().sorted()
                .map(n -> FIELD_NAME.matcher(n).matches() ? n : "(a name of " + n.length() + " characters)").toList();
        return String.join(", ", names.subList(0, Math.min(10, names.size())))
                + (names.size() > 10 ? " and " + (names.size() - 10) + " more" : "");
    }

    /** {@code messaging.quietHours.from} for a member of a nested object; the parser stands on its value. */
    private static String fieldPath(JsonParser p, String name) {
        JsonStreamContext context = p.getParsingContext();
        if (p.currentToken() != null && p.currentToken().isStructStart() && context.getParent() != null) {
            context = context.getParent();
        }
        // a tree's cursors may add empty steps ("/messaging//quietHourz"): only the names count
        String path = java.util.Arrays.stream(context.pathAsPointer().toString().split("/"))
                .filter(step -> !step.isEmpty()).map(step -> step.replace("~1", "/").replace("~0", "~"))
                .collect(Collectors.joining("."));
        return path.equals(name) || path.endsWith("." + name) ? path : path.isEmpty() ? name : path + "." + name;
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(400, "invalid-request", "Invalid request", detail);
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
                .stream().map(Document::data).toList(); // well-formed as written: config.JsonConfiguration
    }
}
