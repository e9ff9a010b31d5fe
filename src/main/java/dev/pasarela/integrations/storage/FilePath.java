package dev.pasarela.integrations.storage;

import dev.pasarela.api.ProblemException;
import java.util.regex.Pattern;

/**
 * Where one tenant file lives: {@code tenants/{tenantId}/{kind}/{ownerId}/{name}}, or
 * {@code tenants/{tenantId}/branding/{name}}. Every segment is checked here, once, so no adapter
 * can be handed {@code ..}, a slash or an empty segment: with that, a tenant's paths can only
 * ever be under its own prefix, on disk as in the bucket.
 */
public record FilePath(String tenantId, FileKind kind, String ownerId, String name) {

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public FilePath {
        segment("tenantId", tenantId);
        if (kind == null) {
            throw invalid("kind is required");
        }
        if (kind.hasOwner()) {
            segment("ownerId", ownerId);
        } else {
            ownerId = null;
        }
        segment("name", name);
    }

    /** The object name in the bucket, and the relative path on disk. */
    public String objectName() {
        return prefix(tenantId, kind, ownerId) + name;
    }

    /** {@code tenants/{t}/{kind}/[{owner}/]}: the folder a listing reads. */
    static String prefix(String tenantId, FileKind kind, String ownerId) {
        return tenantRoot(tenantId) + kind.segment() + "/" + (kind.hasOwner() ? ownerId + "/" : "");
    }

    /** The path of an object name under the tenant's root; empty for anything that is not one of ours. */
    static java.util.Optional<FilePath> parse(String tenantId, String objectName) {
        String root = tenantRoot(tenantId);
        if (!objectName.startsWith(root)) {
            return java.util.Optional.empty();
        }
        String[] parts = objectName.substring(root.length()).split("/", -1);
        try {
            FileKind kind = FileKind.of(parts[0]);
            if (kind.hasOwner() && parts.length == 3) {
                return java.util.Optional.of(new FilePath(tenantId, kind, parts[1], parts[2]));
            }
            if (!kind.hasOwner() && parts.length == 2) {
                return java.util.Optional.of(new FilePath(tenantId, kind, null, parts[1]));
            }
        } catch (ProblemException e) {
            // not a path the gateway writes (a file put there by other means): not listed
        }
        return java.util.Optional.empty();
    }

    static String tenantRoot(String tenantId) {
        segment("tenantId", tenantId);
        return "tenants/" + tenantId + "/";
    }

    /**
     * A segment must start with a letter or digit, so {@code .} and {@code ..} (and hidden files) are
     * impossible; then letters, digits, dot, underscore and hyphen, 128 at most.
     */
    static String segment(String field, String value) {
        if (value == null || !SEGMENT.matcher(value).matches() || value.contains("..")) {
            throw invalid(field + " must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return value;
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(400, "invalid-request", "Invalid request", detail + ".");
    }
}
