package dev.pasarela.integrations.meta.marketplace;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * What the dealer's staff paste into Marketplace's "create vehicle listing" form, as the API shows
 * it. Photo URLs are signed afresh on every read. {@code staffUrl} is only in the answer that
 * created the package: the gateway keeps its hash, not the URL.
 *
 * @param status            {@code prepared}, or {@code confirmed} once someone pressed "Publicado en Marketplace"
 * @param descriptionSource {@code given} (the request's) or {@code ai} (written by the AI integration)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ListingPackage(String id, String status, String vehicleId, String title, Price price, Mileage mileage,
                             String fuelType, String transmission, String bodyStyle, String stateOfVehicle,
                             String condition, String exteriorColor, String location, String description,
                             String descriptionSource, List<Photo> photos, URI createListingUrl, URI staffUrl,
                             Instant createdAt, Instant confirmedAt) {

    /** {@code text} is as a person types it into the form, "15000 EUR". */
    public record Price(BigDecimal amount, String currency, String text) {
    }

    public record Mileage(long value, String unit) {
    }

    public record Photo(String path, URI url, Instant expiresAt) {

        @Override
        public String toString() {
            return "Photo[path=" + path + "]"; // the URL is a bearer credential
        }
    }

    ListingPackage withStaffUrl(URI staff) {
        return new ListingPackage(id, status, vehicleId, title, price, mileage, fuelType, transmission, bodyStyle,
                stateOfVehicle, condition, exteriorColor, location, description, descriptionSource, photos,
                createListingUrl, staff, createdAt, confirmedAt);
    }
}
