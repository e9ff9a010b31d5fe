package dev.pasarela.integrations.meta.marketplace;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.pasarela.api.ApiCaller;
import dev.pasarela.api.ProblemException;
import jakarta.validation.Valid;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/catalog/…}: the caller's tenant's vehicle inventory, and the URL of its catalog
 * feed. The tenant is always the caller's, never a parameter.
 */
@RestController
public class CatalogController {

    public record VehicleView(String id, @JsonUnwrapped CatalogVehicle vehicle, Instant updatedAt) {
        static VehicleView of(VehicleCatalog.StoredVehicle v) {
            return new VehicleView(v.id(), v.vehicle(), v.updatedAt());
        }
    }

    /** {@code next}: pass it as {@code after} for the following page; absent on the last one. */
    public record VehiclePage(List<VehicleView> vehicles, String next) {
    }

    /** The feed URL is shown once: the gateway keeps its hash. */
    public record FeedView(URI url, Instant createdAt) {
        @Override
        public String toString() {
            return "FeedView[createdAt=" + createdAt + "]";
        }
    }

    private final VehicleCatalog catalog;
    private final VehicleFeed feed;
    private final MarketplaceProperties settings;
    private final java.time.Clock clock;

    public CatalogController(VehicleCatalog catalog, VehicleFeed feed, MarketplaceProperties settings,
                             java.time.Clock clock) {
        this.catalog = catalog;
        this.feed = feed;
        this.settings = settings;
        this.clock = clock;
    }

    @PutMapping("/api/v1/catalog/vehicles/{vehicleId}")
    ResponseEntity<VehicleView> upsert(@PathVariable String vehicleId, @Valid @RequestBody CatalogVehicle vehicle) {
        String tenant = tenant();
        boolean created = catalog.upsert(tenant, vehicleId, vehicle);
        VehicleView view = VehicleView.of(catalog.require(tenant, vehicleId));
        return created ? ResponseEntity.created(URI.create("/api/v1/catalog/vehicles/" + vehicleId)).body(view)
                : ResponseEntity.ok(view);
    }

    @GetMapping("/api/v1/catalog/vehicles/{vehicleId}")
    VehicleView get(@PathVariable String vehicleId) {
        return VehicleView.of(catalog.require(tenant(), vehicleId));
    }

    /** Ordered by id; {@code limit} 1–200 (50), {@code after} the last id of the previous page. */
    @GetMapping("/api/v1/catalog/vehicles")
    VehiclePage list(@RequestParam(name = "limit", defaultValue = "50") int limit,
                     @RequestParam(name = "after", required = false) String after) {
        if (limit < 1 || limit > 200) {
            throw new ProblemException(400, "invalid-request", "Invalid request", "limit must be between 1 and 200.");
        }
        List<VehicleView> all = catalog.all(tenant()).stream()
                .filter(v -> after == null || v.id().compareTo(after) > 0).map(VehicleView::of).toList();
        List<VehicleView> page = all.size() > limit ? all.subList(0, limit) : all;
        return new VehiclePage(page, all.size() > limit ? page.get(page.size() - 1).id() : null);
    }

    @DeleteMapping("/api/v1/catalog/vehicles/{vehicleId}")
    ResponseEntity<Void> delete(@PathVariable String vehicleId) {
        catalog.delete(tenant(), vehicleId);
        return ResponseEntity.noContent().build();
    }

    /** Creates the tenant's feed URL, or replaces it: the previous URL answers 404 from now on. */
    @PostMapping("/api/v1/catalog/feed")
    FeedView rotateFeed() {
        String token = feed.rotate(tenant());
        return new FeedView(URI.create(PublicBase.of(settings) + "/feeds/" + token + "/meta-vehicles.csv"),
                clock.instant());
    }

    private static String tenant() {
        return ApiCaller.current().tenantId();
    }
}
