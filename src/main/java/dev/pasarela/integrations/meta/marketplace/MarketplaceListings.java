package dev.pasarela.integrations.meta.marketplace;

import dev.pasarela.api.ProblemException;
import dev.pasarela.publishing.PublicLink;
import dev.pasarela.publishing.TenantMedia;
import dev.pasarela.publishing.VehicleCopywriter;
import dev.pasarela.publishing.VehicleFacts;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * Assisted Marketplace listings: no Meta call (there is no public API for vehicle listings). A
 * package is a snapshot of the vehicle when it was made, kept as
 * {@code tenants/{t}/marketplaceListings/{id}}; its staff page is found through
 * {@code marketplaceLinks/{sha256(token)}}. When no description is given the AI writes one; when
 * the AI cannot (plan, quota, unavailable) the request fails with the AI's own problem rather than
 * a template text, so no package ever carries copy nobody chose: the caller retries later or sends
 * its own description.
 */
@Service
public class MarketplaceListings {

    static final String LINKS = "marketplaceLinks";
    private static final double KM_PER_MILE = 1.609344;

    private final DocumentStore store;
    private final VehicleCatalog catalog;
    private final TenantMedia media;
    private final VehicleCopywriter copywriter;
    private final MarketplaceProperties settings;
    private final Clock clock;

    public MarketplaceListings(DocumentStore store, VehicleCatalog catalog, TenantMedia media,
                               VehicleCopywriter copywriter, MarketplaceProperties settings, Clock clock) {
        this.store = store;
        this.catalog = catalog;
        this.media = media;
        this.copywriter = copywriter;
        this.settings = settings;
        this.clock = clock;
    }

    /** @param staffBase the gateway's public address, to which {@code /marketplace/l/{token}} is appended */
    public ListingPackage prepare(String tenantId, ListingRequest request, String staffBase) {
        VehicleCatalog.StoredVehicle stored = catalog.find(tenantId, request.vehicleId())
                .orElseThrow(VehicleCatalog::notFound);
        CatalogVehicle v = stored.vehicle();
        boolean given = request.description() != null && !request.description().isBlank();
        String description = given ? request.description().strip()
                : copywriter.describe(tenantId, facts(v), request.language());
        String id = UUID.randomUUID().toString();
        String token = SecretTokens.create();
        String hash = SecretTokens.hash(token).orElseThrow();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("vehicleId", stored.id());
        doc.put("status", "prepared");
        doc.put("title", v.displayTitle());
        doc.put("price", v.price().toPlainString());
        doc.put("currency", v.currency());
        doc.put("mileage", v.mileage());
        doc.put("mileageUnit", v.mileageUnit().name());
        doc.put("fuelType", v.fuelType().name());
        doc.put("transmission", v.transmission().name());
        doc.put("bodyStyle", v.bodyStyle().name());
        doc.put("stateOfVehicle", v.stateOfVehicle().name());
        doc.put("condition", v.condition() == null ? null : v.condition().name());
        doc.put("exteriorColor", v.exteriorColor());
        doc.put("location", location(v.address()));
        doc.put("description", description);
        doc.put("descriptionSource", given ? "given" : "ai");
        doc.put("photos", v.photos());
        doc.put("tokenHash", hash);
        doc.put("createdAt", clock.instant().toString());
        // photos are signed before anything is written: storage that cannot be public fails the request cleanly
        List<ListingPackage.Photo> photos = photos(tenantId, v.photos());
        store.set(path(tenantId, id), doc);
        store.set(LINKS + "/" + hash, Map.of("tenantId", tenantId, "listingId", id));
        URI staff = URI.create(staffBase.replaceAll("/+$", "") + "/marketplace/l/" + token);
        return view(id, doc, photos).withStaffUrl(staff);
    }

    public ListingPackage find(String tenantId, String listingId) {
        Document d = listing(tenantId, listingId);
        return view(d.id(), d.data(), photos(tenantId, paths(d)));
    }

    /** A staff page's listing: its tenant and the package with photos signed now. */
    public record StaffView(String tenantId, ListingPackage listing) {
    }

    public StaffView byToken(String token) {
        Document link = link(token);
        String tenantId = (String) link.field("tenantId");
        Document d = listing(tenantId, (String) link.field("listingId"));
        return new StaffView(tenantId, view(d.id(), d.data(), photos(tenantId, paths(d))));
    }

    /** Records that the listing was published on Marketplace; a second confirmation keeps the first time. */
    public void confirm(String token) {
        Document link = link(token);
        String path = path((String) link.field("tenantId"), (String) link.field("listingId"));
        Instant now = clock.instant();
        store.runTransaction(tx -> {
            Document d = tx.get(path).orElseThrow(MarketplaceListings::notFound);
            if (d.field("confirmedAt") == null) {
                tx.merge(path, Map.of("status", "confirmed", "confirmedAt", now.toString()));
            }
            return null;
        });
    }

    private Document link(String token) {
        return SecretTokens.hash(token).flatMap(h -> store.get(LINKS + "/" + h))
                .orElseThrow(MarketplaceListings::notFound);
    }

    private Document listing(String tenantId, String listingId) {
        if (listingId == null || !listingId.matches("[0-9a-f-]{36}")) {
            throw notFound();
        }
        return store.get(path(tenantId, listingId)).orElseThrow(MarketplaceListings::notFound);
    }

    private List<ListingPackage.Photo> photos(String tenantId, List<String> paths) {
        List<ListingPackage.Photo> photos = new ArrayList<>();
        for (String p : paths) {
            try {
                PublicLink link = media.publicJpegUrl(tenantId, p, settings.photoLinkValidity());
                photos.add(new ListingPackage.Photo(p, PublicBase.absolute(settings, link.url()), link.expiresAt()));
            } catch (ProblemException e) {
                if (e.status() != 404 && e.status() != 422) {
                    throw e;
                }
                // deleted (or replaced by a non-image) since the vehicle was pushed: the others still serve
            }
        }
        return photos;
    }

    @SuppressWarnings("unchecked")
    private static List<String> paths(Document d) {
        Object photos = d.field("photos");
        return photos instanceof List<?> l ? (List<String>) l : List.of();
    }

    private ListingPackage view(String id, Map<String, Object> d, List<ListingPackage.Photo> photos) {
        BigDecimal amount = new BigDecimal((String) d.get("price"));
        String currency = (String) d.get("currency");
        Object confirmedAt = d.get("confirmedAt");
        return new ListingPackage(id, (String) d.get("status"), (String) d.get("vehicleId"), (String) d.get("title"),
                new ListingPackage.Price(amount, currency, VehicleFeed.price(amount, currency)),
                new ListingPackage.Mileage(((Number) d.get("mileage")).longValue(), (String) d.get("mileageUnit")),
                (String) d.get("fuelType"), (String) d.get("transmission"), (String) d.get("bodyStyle"),
                (String) d.get("stateOfVehicle"), (String) d.get("condition"), (String) d.get("exteriorColor"),
                (String) d.get("location"), (String) d.get("description"), (String) d.get("descriptionSource"),
                photos, URI.create(settings.createListingUrl()), null, Instant.parse((String) d.get("createdAt")),
                confirmedAt == null ? null : Instant.parse(confirmedAt.toString()));
    }

    private static VehicleFacts facts(CatalogVehicle v) {
        long km = v.mileageUnit() == CatalogVehicle.MileageUnit.MI ? Math.round(v.mileage() * KM_PER_MILE) : v.mileage();
        String notes = v.description() == null ? null
                : v.description().length() > 1000 ? v.description().substring(0, 1000) : v.description();
        return new VehicleFacts(v.make(), v.model(), v.year(), v.trim(), km, label(v.fuelType()),
                label(v.transmission()), label(v.bodyStyle()), v.price(), v.currency(), null, notes);
    }

    private static String label(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    static String location(CatalogVehicle.Address a) {
        return a.city().strip() + ", " + a.region().strip();
    }

    private static String path(String tenantId, String listingId) {
        return "tenants/" + tenantId + "/marketplaceListings/" + listingId;
    }

    static ProblemException notFound() {
        return new ProblemException(404, "not-found", "Not found", "There is no such listing.");
    }
}
