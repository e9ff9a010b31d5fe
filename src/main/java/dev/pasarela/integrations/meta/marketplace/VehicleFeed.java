package dev.pasarela.integrations.meta.marketplace;

import dev.pasarela.api.ProblemException;
import dev.pasarela.publishing.TenantMedia;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.tenants.Tenant;
import dev.pasarela.tenants.TenantRepository;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * A tenant's vehicles as a CSV in Meta's automotive inventory format, behind a per-tenant feed
 * token. The tenant's document {@code tenants/{t}/marketplace/feed} holds the token's hash; the
 * index {@code vehicleFeeds/{hash}} names the tenant. Rotating replaces both in one transaction,
 * so the old URL stops working at once.
 *
 * <p>Photos are V4-style signed URLs valid for {@code pasarela.marketplace.photo-link-validity}
 * (7 days at most), fresh on every fetch: Meta downloads the images when it ingests the feed, so
 * a feed fetched on a daily (or at least weekly) schedule always carries working links.
 */
@Service
public class VehicleFeed {

    static final String FEEDS = "vehicleFeeds";
    /** Meta's automotive inventory columns before and after the {@code image[n].url} columns. */
    static final List<String> HEAD = List.of("vehicle_id", "title", "description", "url", "make", "model", "year",
            "mileage.value", "mileage.unit");
    static final List<String> TAIL = List.of("transmission", "fuel_type", "body_style", "drivetrain", "vin",
            "condition", "price", "exterior_color", "state_of_vehicle", "address.addr1", "address.city",
            "address.region", "address.postal_code", "address.country", "fb_page_id", "availability");

    private final DocumentStore store;
    private final VehicleCatalog catalog;
    private final TenantMedia media;
    private final TenantRepository tenants;
    private final MarketplaceProperties settings;
    private final Clock clock;

    public VehicleFeed(DocumentStore store, VehicleCatalog catalog, TenantMedia media, TenantRepository tenants,
                       MarketplaceProperties settings, Clock clock) {
        this.store = store;
        this.catalog = catalog;
        this.media = media;
        this.tenants = tenants;
        this.settings = settings;
        this.clock = clock;
    }

    /** A new feed token for the tenant; the previous one, if any, stops working. */
    public String rotate(String tenantId) {
        String token = SecretTokens.create();
        String hash = SecretTokens.hash(token).orElseThrow();
        String own = "tenants/" + tenantId + "/marketplace/feed";
        Instant now = clock.instant();
        store.runTransaction(tx -> {
            Optional<String> previous = tx.get(own).map(d -> (String) d.field("tokenHash"));
            previous.ifPresent(old -> tx.delete(FEEDS + "/" + old));
            tx.set(FEEDS + "/" + hash, Map.of("tenantId", tenantId, "createdAt", now.toString()));
            tx.set(own, Map.of("tokenHash", hash, "createdAt", now.toString()));
            return null;
        });
        return token;
    }

    /** The tenant a feed token belongs to; a 404 that says nothing of tenants for any other string. */
    public String tenantOf(String token) {
        return SecretTokens.hash(token).flatMap(h -> store.get(FEEDS + "/" + h))
                .map(d -> (String) d.field("tenantId"))
                .filter(tenantId -> tenants.find(tenantId).isPresent())
                .orElseThrow(() -> new ProblemException(404, "not-found", "Not found", "There is no such feed."));
    }

    public String csv(String tenantId) {
        List<VehicleCatalog.StoredVehicle> vehicles = catalog.all(tenantId);
        String pageId = tenants.find(tenantId).map(Tenant::identities).map(ids -> ids.get("facebook")).orElse("");
        List<List<String>> images = new ArrayList<>();
        int columns = 1;
        for (VehicleCatalog.StoredVehicle v : vehicles) {
            List<String> urls = photoUrls(tenantId, v.vehicle().photos());
            images.add(urls);
            columns = Math.max(columns, urls.size());
        }
        MetaVehiclesCsv csv = new MetaVehiclesCsv();
        List<String> header = new ArrayList<>(HEAD);
        for (int i = 0; i < columns; i++) {
            header.add("image[" + i + "].url");
        }
        header.addAll(TAIL);
        csv.row(header);
        for (int n = 0; n < vehicles.size(); n++) {
            VehicleCatalog.StoredVehicle stored = vehicles.get(n);
            CatalogVehicle v = stored.vehicle();
            List<String> row = new ArrayList<>(List.of(stored.id(), v.displayTitle(), description(v), v.url(), v.make(),
                    v.model(), String.valueOf(v.year()), String.valueOf(v.mileage()), v.mileageUnit().name()));
            List<String> urls = images.get(n);
            for (int i = 0; i < columns; i++) {
                row.add(i < urls.size() ? urls.get(i) : "");
            }
            CatalogVehicle.Address a = v.address();
            row.addAll(java.util.Arrays.asList(v.transmission().name(), v.fuelType().name(), v.bodyStyle().name(),
                    name(v.drivetrain()), v.vin(), name(v.condition()), price(v.price(), v.currency()),
                    v.exteriorColor(), v.stateOfVehicle().name(), a.addr1(), a.city(), a.region(), a.postalCode(),
                    a.country(), pageId, v.availability().name()));
            csv.row(row);
        }
        return csv.toString();
    }

    /** Meta requires a description; the dealer's own, else the title (AI copy is per listing, never per fetch). */
    private static String description(CatalogVehicle v) {
        return v.description() == null || v.description().isBlank() ? v.displayTitle() : v.description();
    }

    /** A photo deleted since the vehicle was pushed is left out rather than failing the whole feed. */
    private List<String> photoUrls(String tenantId, List<String> paths) {
        List<String> urls = new ArrayList<>();
        for (String path : paths) {
            try {
                urls.add(PublicBase.absolute(settings,
                        media.publicJpegUrl(tenantId, path, settings.photoLinkValidity()).url()).toString());
            } catch (ProblemException e) {
                if (e.status() != 404 && e.status() != 422) {
                    throw e; // storage not public or not answering: the whole feed is a 503
                }
            }
        }
        return urls;
    }

    /** "15000 EUR", "15000.50 EUR": Meta's price is the amount and the ISO 4217 code. */
    static String price(BigDecimal amount, String currency) {
        BigDecimal a = amount.stripTrailingZeros();
        String text = a.scale() <= 0 ? a.setScale(0).toPlainString() : amount.setScale(2).toPlainString();
        return text + " " + currency;
    }

    private static String name(Enum<?> e) {
        return e == null ? "" : e.name();
    }
}
