package dev.pasarela.integrations.meta.marketplace;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.util.List;

/**
 * {@code PUT /api/v1/catalog/vehicles/{vehicleId}}: one car of the dealer's inventory, as the SaaS pushes
 * it. Enum values are Meta's automotive inventory values, so the feed writes them as they are.
 * {@code stateOfVehicle} is new / used / certified pre-owned (Meta's {@code state_of_vehicle});
 * {@code condition} is Meta's quality grade ({@code EXCELLENT} … {@code POOR}), optional.
 *
 * @param title       defaults to "year make model trim"
 * @param photos      tenant-relative storage paths ({@code vehicles/v-1/front.jpg}), images, 1 to 20, first is the cover
 * @param url         the dealer's own page for the car
 */
public record CatalogVehicle(
        @Size(max = 150, message = "title is at most 150 characters.") String title,
        @NotBlank @Size(max = 60, message = "make is at most 60 characters.") String make,
        @NotBlank @Size(max = 40, message = "model is at most 40 characters.") String model,
        @NotNull @Min(1900) @Max(2100) Integer year,
        @Size(max = 39, message = "trim is at most 39 characters.") String trim,
        @NotNull @PositiveOrZero @Max(value = 10_000_000, message = "mileage is at most 10000000.") Long mileage,
        MileageUnit mileageUnit,
        @NotNull FuelType fuelType,
        @NotNull Transmission transmission,
        @NotNull BodyStyle bodyStyle,
        Drivetrain drivetrain,
        @Size(max = 40, message = "exteriorColor is at most 40 characters.") String exteriorColor,
        @NotNull StateOfVehicle stateOfVehicle,
        Condition condition,
        // World Manufacturer Identifier + descriptor + serial: 17 characters, never I, O or Q (ISO 3779).
        // The check digit (position 9) is only mandatory in North America, so it is not computed.
        @Pattern(regexp = "[A-HJ-NPR-Z0-9]{17}",
                message = "vin must be 17 letters and digits (ISO 3779: no I, O or Q), in capitals.") String vin,
        @NotNull @PositiveOrZero @Digits(integer = 10, fraction = 2,
                message = "price has at most 10 digits and 2 decimals.") BigDecimal price,
        @NotNull @IsoCode(value = IsoCode.Kind.CURRENCY,
                message = "currency must be an ISO 4217 code such as EUR.") String currency,
        @Size(max = 5000, message = "description is at most 5000 characters.") String description,
        @NotBlank @Size(max = 2000, message = "url is at most 2000 characters.")
        @Pattern(regexp = "https?://[^\\s\"<>]+", message = "url must be an http or https URL.") String url,
        @Valid @NotNull Address address,
        @NotNull @Size(min = 1, max = 20, message = "photos must list 1 to 20 files.")
        List<@NotBlank @Size(max = 300) String> photos,
        Availability availability) {

    public CatalogVehicle {
        mileageUnit = mileageUnit == null ? MileageUnit.KM : mileageUnit;
        availability = availability == null ? Availability.AVAILABLE : availability;
        photos = photos == null ? null : List.copyOf(photos.stream().map(p -> p == null ? "" : p).toList());
    }

    /** Meta's {@code address} as flattened columns; {@code country} ISO 3166-1 alpha-2. */
    public record Address(@NotBlank @Size(max = 200, message = "addr1 is at most 200 characters.") String addr1,
                          @NotBlank @Size(max = 100, message = "city is at most 100 characters.") String city,
                          @NotBlank @Size(max = 100, message = "region is at most 100 characters.") String region,
                          @Size(max = 20, message = "postalCode is at most 20 characters.") String postalCode,
                          @NotNull @IsoCode(value = IsoCode.Kind.COUNTRY,
                                  message = "country must be an ISO 3166-1 alpha-2 code such as ES.") String country) {
    }

    /** "2019 Seat León FR": Meta's advice for a vehicle title. */
    public String displayTitle() {
        if (title != null && !title.isBlank()) {
            return title.strip();
        }
        return (year + " " + make.strip() + " " + model.strip() + (trim == null || trim.isBlank() ? "" : " " + trim.strip()));
    }

    public enum MileageUnit { KM, MI }

    public enum FuelType { DIESEL, ELECTRIC, FLEX, GASOLINE, HYBRID, PETROL, PLUGIN_HYBRID, OTHER }

    public enum Transmission { AUTOMATIC, MANUAL }

    public enum BodyStyle {
        CONVERTIBLE, COUPE, CROSSOVER, ESTATE, GRANDTOURER, HATCHBACK, MINIBUS, MINIVAN, MPV, PICKUP, ROADSTER,
        SALOON, SEDAN, SMALL_CAR, SPORTSCAR, SUPERCAR, SUPERMINI, SUV, TRUCK, VAN, WAGON, OTHER
    }

    public enum Drivetrain { AWD, FWD, RWD, FOUR_WD, TWO_WD, OTHER }

    public enum StateOfVehicle { NEW, USED, CPO }

    public enum Condition { EXCELLENT, VERY_GOOD, GOOD, FAIR, POOR, OTHER }

    public enum Availability { AVAILABLE, NOT_AVAILABLE, PENDING }
}
