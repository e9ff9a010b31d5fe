package dev.pasarela.integrations.storage;

import dev.pasarela.api.ProblemException;

/**
 * A checked listing prefix under a tenant's root: nothing, a kind ({@code vehicles}) or a kind and
 * an owner ({@code vehicles/123}). Only whole segments, so {@code vehicles/12} never lists
 * {@code vehicles/123}.
 */
public record FilePrefix(FileKind kind, String ownerId) {

    public static final FilePrefix ALL = new FilePrefix(null, null);

    public static FilePrefix parse(String prefix) {
        if (prefix == null || prefix.isBlank()) {
            return ALL;
        }
        String trimmed = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        String[] parts = trimmed.split("/", -1);
        FileKind kind = FileKind.of(parts[0]);
        if (parts.length == 1) {
            return new FilePrefix(kind, null);
        }
        if (parts.length == 2 && kind.hasOwner()) {
            return new FilePrefix(kind, FilePath.segment("prefix", parts[1]));
        }
        throw new ProblemException(400, "invalid-request", "Invalid request",
                "prefix must be a kind (vehicles, sales, branding) or a kind and an owner id (vehicles/123).");
    }

    /** The object-name prefix under {@code tenants/{tenantId}/}. */
    public String under(String tenantId) {
        String root = FilePath.tenantRoot(tenantId);
        if (kind == null) {
            return root;
        }
        return ownerId == null ? root + kind.segment() + "/" : FilePath.prefix(tenantId, kind, ownerId);
    }
}
