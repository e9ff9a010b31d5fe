package dev.pasarela.pipeline.ingress;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads the named fields of a JSON value into a tree, with the fields on their way; the rest is
 * parsed and checked as {@link WebhookInterpreter#readJson} would, but no node is made of it. A door
 * that routes an event by a few of its fields need not build the whole event as a tree: for a 4 KB
 * event the tree cost about a third of the read, and most of the read's allocation (bench/RESULTS.md).
 *
 * <p>What {@code at} or {@code path} answers for a named field, or a field on its way, is what it
 * answers on the whole tree. A named field is kept whole, whatever its value. A field on the way is
 * kept as its scalar, or as an empty array, or as an object of what is kept under it, so a field
 * named twice is its last value as in the whole tree, and the reading stops after the first value
 * at the top, as the whole read does (unless the mapper fails on trailing tokens: then both refuse
 * them). This holds with the mapper's defaults for trees: a duplicate key replaces
 * ({@code FAIL_ON_READING_DUP_TREE_KEY} off) and a null property is kept ({@code READ_NULL_PROPERTIES}
 * on). Names are plain: a pointer holding {@code ~} is refused, so a name holding {@code ~} or
 * {@code /} cannot be named.
 *
 * <p>A walk of the parser's tokens, not Jackson's {@code FilteringParserDelegate}: with a filter that
 * keeps emptied objects (needed for a field named twice) the delegate of Jackson 2.19 closed objects in
 * the wrong place (jackson-core#1418).
 */
public final class PrunedJsonReader {

    private final ObjectMapper json;
    /**
     * Each kept value is read alone, so a mapper failing on trailing tokens would refuse every one; what
     * follows the first value at the top is checked in {@link #read} instead, as the whole read checks it.
     */
    private final ObjectReader values;
    private final boolean refuseTrailingTokens;
    private final Path root;

    private PrunedJsonReader(ObjectMapper json, Path root) {
        this.json = json;
        this.values = json.readerFor(JsonNode.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.refuseTrailingTokens = json.isEnabled(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.root = root;
    }

    /** The fields to keep, each as a JSON Pointer into the top-level object: {@code /data/object/id}. */
    public static PrunedJsonReader of(ObjectMapper json, String... pointers) {
        Path root = new Path();
        for (String pointer : pointers) {
            if (!pointer.startsWith("/") || pointer.length() == 1 || pointer.contains("~") || pointer.contains("//")
                    || pointer.endsWith("/")) {
                throw new IllegalArgumentException("not a pointer to a field by plain names: " + pointer);
            }
            Path at = root;
            String[] names = pointer.substring(1).split("/");
            for (int i = 0; i < names.length - 1; i++) {
                at = at.children.computeIfAbsent(names[i], n -> new Path());
            }
            at.kept.add(names[names.length - 1]);
        }
        return new PrunedJsonReader(json, root);
    }

    /**
     * The pruned tree of a body: the invalid-payload problem for a body that is not JSON (a fault in a
     * skipped part included), as {@link WebhookInterpreter#readJson}; {@code null} for an empty one,
     * where that gives a missing node (neither has a field). A skipped string gets the same checks as a
     * read one but its length limit (the parser's {@code maxStringLength}, 20 million characters),
     * which the door's body limit keeps out of reach.
     */
    public JsonNode read(byte[] body) {
        try (JsonParser parser = json.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return null;
            }
            JsonNode tree = value(values, parser, root);
            if (refuseTrailingTokens && parser.nextToken() != null) {
                throw WebhookInterpreter.invalidPayload("The body is not valid JSON.");
            }
            return tree;
        } catch (IOException e) {
            throw WebhookInterpreter.invalidPayload("The body is not valid JSON.");
        }
    }

    /** The value at the parser's current token, on the way to {@code path}'s fields; the parser is left past it. */
    private static JsonNode value(ObjectReader values, JsonParser parser, Path path) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_ARRAY) {
            parser.skipChildren(); // no kept field is under an element
            return values.getConfig().getNodeFactory().arrayNode();
        }
        if (token != JsonToken.START_OBJECT) {
            return values.readTree(parser); // a scalar, as the whole tree has it
        }
        ObjectNode object = values.getConfig().getNodeFactory().objectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            Path under = path.children.get(name);
            if (path.kept.contains(name)) {
                object.set(name, values.readTree(parser));
            } else if (under != null) {
                object.set(name, value(values, parser, under));
            } else {
                parser.skipChildren();
            }
        }
        return object;
    }

    /** A field on the way to kept fields: the names kept whole under it, and the fields on the way further. */
    private static final class Path {
        final Set<String> kept = new HashSet<>();
        final Map<String, Path> children = new HashMap<>();
    }
}
