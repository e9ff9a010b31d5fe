package dev.pasarela.store;

import java.util.Map;

/** Path rules shared by the adapters, so they reject the same things. */
public final class Paths {
    private Paths() {}

    /**
     * The longest document path an adapter keeps: the {@code jdbc} table's path column. The embedded
     * store keeps no longer ones either, so a path is refused or kept the same way on both.
     */
    public static final int MAX_LENGTH = 1500;

    /** Refuses a document path longer than {@link #MAX_LENGTH} before anything is written; the path is not quoted. */
    public static void requireStorable(String documentPath) {
        if (documentPath.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("document path of " + documentPath.length()
                    + " characters is longer than the store's " + MAX_LENGTH);
        }
    }

    /**
     * A provider id as one path segment: ids such as WhatsApp's base64 wamids may hold '/',
     * which would split the path. '%' and '/' are percent-encoded; everything else is kept.
     */
    public static String segment(String id) {
        return id.replace("%", "%25").replace("/", "%2F");
    }

    public static String[] documentSegments(String path) {
        String[] s = segments(path);
        if (s.length % 2 != 0) {
            throw new IllegalArgumentException("not a document path: " + s.length + " segments, an odd number");
        }
        return s;
    }

    public static String[] collectionSegments(String path) {
        String[] s = segments(path);
        if (s.length % 2 != 1) {
            throw new IllegalArgumentException("not a collection path: " + s.length + " segments, an even number");
        }
        return s;
    }

    public static String parentCollection(String documentPath) {
        documentSegments(documentPath);
        return documentPath.substring(0, documentPath.lastIndexOf('/'));
    }

    private static String[] segments(String path) {
        if (path == null || path.isBlank() || path.startsWith("/") || path.endsWith("/") || path.contains("//")) {
            throw new IllegalArgumentException("invalid store path: empty, or with a leading, trailing or doubled '/'");
        }
        String[] s = path.split("/");
        for (String seg : s) {
            if (seg.equals(".") || seg.equals("..") || seg.startsWith("__")) {
                throw new IllegalArgumentException("invalid store path: a segment is '.' or '..' or starts with '__'");
            }
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    static Object read(Map<String, Object> data, String dottedPath) {
        Object current = data;
        for (String part : dottedPath.split("\\.")) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = ((Map<String, Object>) m).get(part);
        }
        return current;
    }
}
