package dev.pasarela.integrations.meta.marketplace;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.api.ProblemException;
import dev.pasarela.publishing.MediaFile;
import dev.pasarela.publishing.TenantMedia;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.Query;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;

/**
 * The vehicles a tenant pushed for its listings and its catalog feed, as documents
 * {@code tenants/{tenant}/vehicles/{vehicleId}}. Every path is under the caller's own tenant, and
 * every photo is checked in the caller's own storage, so no tenant can see or attach another's.
 */
@Service
public class VehicleCatalog {

    /** Meta's {@code vehicle_id} is at most 100 characters; one store path segment, never "." or "__x". */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    /** A stored vehicle with its id and when it was last pushed. */
    public record StoredVehicle(String id, CatalogVehicle vehicle, Instant updatedAt) {
    }

    private final DocumentStore store;
    private final TenantMedia media;
    private final ObjectMapper json;
    private final Clock clock;

    public VehicleCatalog(DocumentStore store, TenantMedia media, ObjectMapper json, Clock clock) {
        this.store = store;
        this.media = media;
        this.json = json;
        this.clock = clock;
    }

    /** @return true when the vehicle is new */
    public boolean upsert(String tenantId, String vehicleId, CatalogVehicle vehicle) {
        checkId(vehicleId);
        for (int i = 0; i < vehicle.photos().size(); i++) {
            MediaFile file = media.describe(tenantId, vehicle.photos().get(i)); // 400 bad path, 404 missing
            if (!file.image()) {
                throw new ProblemException(422, "not-an-image", "Not an image",
                        "photos[" + i + "] is " + file.contentType() + ", not an image.");
            }
        }
        Map<String, Object> data = new LinkedHashMap<>(json.convertValue(vehicle, MAP));
        data.put("price", vehicle.price().toPlainString()); // exact: the store keeps decimals as doubles
        data.put("vehicleId", vehicleId);
        data.put("updatedAt", clock.instant().toString());
        String path = path(tenantId, vehicleId);
        boolean created = store.get(path).isEmpty();
        store.set(path, data);
        return created;
    }

    public Optional<StoredVehicle> find(String tenantId, String vehicleId) {
        if (vehicleId == null || !ID.matcher(vehicleId).matches()) {
            return Optional.empty();
        }
        return store.get(path(tenantId, vehicleId)).map(this::read);
    }

    public StoredVehicle require(String tenantId, String vehicleId) {
        return find(tenantId, vehicleId).orElseThrow(VehicleCatalog::notFound);
    }

    /** All of the tenant's vehicles by id; a dealer's inventory is hundreds, not millions. */
    public List<StoredVehicle> all(String tenantId) {
        return store.query(collection(tenantId), Query.all()).stream().map(this::read)
                .sorted(Comparator.comparing(StoredVehicle::id)).toList();
    }

    public void delete(String tenantId, String vehicleId) {
        require(tenantId, vehicleId);
        store.delete(path(tenantId, vehicleId));
    }

    private StoredVehicle read(Document d) {
        Map<String, Object> data = new LinkedHashMap<>(d.data());
        Object updatedAt = data.remove("updatedAt");
        data.remove("vehicleId");
        return new StoredVehicle(d.id(), json.convertValue(data, CatalogVehicle.class),
                updatedAt == null ? null : Instant.parse(updatedAt.toString()));
    }

    static void checkId(String vehicleId) {
        if (vehicleId == null || !ID.matcher(vehicleId).matches()) {
            throw new ProblemException(400, "invalid-request", "Invalid request",
                    "vehicleId must be 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }
    }

    private static String collection(String tenantId) {
        return "tenants/" + tenantId + "/vehicles";
    }

    private static String path(String tenantId, String vehicleId) {
        return collection(tenantId) + "/" + vehicleId;
    }

    static ProblemException notFound() {
        return new ProblemException(404, "vehicle-not-found", "Vehicle not found", "There is no such vehicle.");
    }
}
