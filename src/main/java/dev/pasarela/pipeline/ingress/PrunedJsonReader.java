package dev.pasarela.pipeline.ingress;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.filter.FilteringParserDelegate;
import com.fasterxml.jackson.core.filter.TokenFilter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the named fields of a JSON object, and the objects on their way, into a tree; the rest is
 * parsed and checked as {@link WebhookInterpreter#readJson} would, but no node is made of it. A door
 * that routes an event by a few of its fields does not need the whole event as a tree: building it
 * was most of what reading a 4 KB Stripe event cost a webhook's request thread (bench/RESULTS.md).
 *
 * <p>What {@code path} answers on the pruned tree is what it answers on the whole one, for the named
 * fields and the objects on their way: a named field is kept whole, whatever its value (an object, a
 * duplicate's last value), and where a field on the way is not an object, or is absent, it is absent.
 */
public final class PrunedJsonReader {

    private final TokenFilter root;

    private PrunedJsonReader(TokenFilter root) {
        this.root = root;
    }

    /** The fields to keep, each as a JSON Pointer into the top-level object: {@code /data/object/id}. */
    public static PrunedJsonReader of(String... pointers) {
        Path root = new Path();
        for (String pointer : pointers) {
            if (!pointer.startsWith("/") || pointer.length() == 1) {
                throw new IllegalArgumentException("not a pointer to a field: " + pointer);
            }
            Path at = root;
            String[] names = pointer.substring(1).split("/", -1);
            for (int i = 0; i < names.length - 1; i++) {
                at = at.child(names[i]);
            }
            at.keep(names[names.length - 1]);
        }
        return new PrunedJsonReader(root);
    }

    /**
     * The pruned tree of a body, with {@link WebhookInterpreter#readJson}'s contract: the invalid-payload
     * problem for a body that is not JSON (a fault past the kept fields included), {@code null} for an
     * empty one. Strings that are skipped are not decoded: the caller must have checked the body is
     * UTF-8, as the webhooks' verifiers do.
     */
    public JsonNode read(ObjectMapper json, byte[] body) {
        try (JsonParser parser = new FilteringParserDelegate(json.createParser(body), root,
                TokenFilter.Inclusion.INCLUDE_ALL_AND_PATH, true)) {
            return json.readTree(parser);
        } catch (IOException e) {
            throw WebhookInterpreter.invalidPayload("The body is not valid JSON.");
        }
    }

    /** An object on the way to kept fields: its kept fields whole, its objects on the way, nothing else. */
    private static final class Path extends TokenFilter {
        private final Map<String, TokenFilter> fields = new HashMap<>();

        Path child(String name) {
            TokenFilter existing = fields.get(name);
            if (existing == TokenFilter.INCLUDE_ALL) {
                return new Path(); // the field is kept whole already: what is under it is too
            }
            return (Path) fields.computeIfAbsent(name, n -> new Path());
        }

        void keep(String name) {
            fields.put(name, TokenFilter.INCLUDE_ALL);
        }

        @Override
        public TokenFilter includeProperty(String name) {
            return fields.get(name); // null: the value is skipped
        }

        @Override
        public TokenFilter includeElement(int index) {
            return null; // an array on the way holds none of the named fields
        }

        @Override
        protected boolean _includeScalar() {
            return false; // a scalar where an object was expected: absent, as path() would find nothing under it
        }
    }
}
