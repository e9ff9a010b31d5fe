package dev.pasarela.store;

import java.util.Map;

/** A stored document: its full path ({@code tenants/acme}) and its fields (JSON-like values). */
public record Document(String path, Map<String, Object> data) {

    public String id() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** A field by dotted path ({@code subscription.status}), or null. */
    public Object field(String dottedPath) {
        return Paths.read(data, dottedPath);
    }
}
