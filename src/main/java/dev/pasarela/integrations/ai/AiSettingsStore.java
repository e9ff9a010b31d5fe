package dev.pasarela.integrations.ai;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.tenants.TenantRepository;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** A tenant's {@link AiSettings} at {@code tenants/{t}/ai/settings}, as the record's JSON. */
@Component
public class AiSettingsStore {

    private final DocumentStore store;
    private final ObjectMapper json;
    private final Clock clock;

    public AiSettingsStore(DocumentStore store, ObjectMapper json, Clock clock) {
        this.store = store;
        this.json = json;
        this.clock = clock;
    }

    public static String path(String tenantId) {
        return TenantRepository.path(tenantId) + "/ai/settings";
    }

    public Optional<AiSettings> find(String tenantId) {
        return store.get(path(tenantId)).map(d -> json.convertValue(d.data(), AiSettings.class));
    }

    @SuppressWarnings("unchecked")
    public AiSettings save(String tenantId, AiSettings settings) {
        Map<String, Object> data = new LinkedHashMap<>(json.convertValue(settings, Map.class));
        data.put("updatedAt", clock.instant().toString());
        store.set(path(tenantId), data); // replaced whole: a field left out of the PUT goes back to its default
        return settings;
    }
}
