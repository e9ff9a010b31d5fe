package dev.pasarela.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;

/**
 * A document's fields as the adapters that keep JSON store them: normalised ({@link Values}) on the
 * way in, whole numbers read back as Long whatever their size, as Firestore returns them.
 */
public final class DocumentJson {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final ObjectMapper json;

    /** {@code json}: the application's mapper, copied so that its own settings are left as they are. */
    public DocumentJson(ObjectMapper json) {
        this.json = json.copy().enable(DeserializationFeature.USE_LONG_FOR_INTS);
    }

    public Map<String, Object> parse(String text) {
        try {
            return json.readValue(text, MAP);
        } catch (IOException e) {
            throw new IllegalStateException("corrupt document in the store", e);
        }
    }

    public Map<String, Object> parse(byte[] utf8) {
        try {
            return json.readValue(utf8, MAP);
        } catch (IOException e) {
            throw new IllegalStateException("corrupt document in the store", e);
        }
    }

    public String text(Map<String, Object> data) {
        try {
            return json.writeValueAsString(Values.normalizeMap(data));
        } catch (IOException e) {
            throw notJson(e);
        }
    }

    public byte[] bytes(Map<String, Object> data) {
        try {
            return json.writeValueAsBytes(Values.normalizeMap(data));
        } catch (IOException e) {
            throw notJson(e);
        }
    }

    private static IllegalArgumentException notJson(IOException e) {
        String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        return new IllegalArgumentException("document is not JSON-serialisable: " + why, e);
    }
}
