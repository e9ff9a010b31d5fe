package dev.pasarela.pipeline.ingress;

import java.util.Map;
import java.util.TreeMap;

/**
 * A webhook request as the provider sent it: the exact body bytes, the headers (looked up
 * case-insensitively), and the URL it was sent to (some schemes sign the URL).
 */
public record RawRequest(byte[] body, Map<String, String> headers, String url, String source) {

    public RawRequest(byte[] body, Map<String, String> headers, String url) {
        this(body, headers, url, null);
    }

    public RawRequest {
        TreeMap<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(headers);
        headers = java.util.Collections.unmodifiableMap(h);
    }

    public String header(String name) {
        return headers.get(name);
    }
}
