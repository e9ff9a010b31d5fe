package dev.pasarela.integrations.meta.marketplace;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * {@code POST /api/v1/marketplace/listings}.
 *
 * @param description the listing text as the dealer wants it; absent, the AI writes one
 * @param language    ISO 639-1 of the AI's text, {@code es} by default
 */
public record ListingRequest(@NotBlank @Size(max = 100, message = "vehicleId is at most 100 characters.") String vehicleId,
                             @Size(max = 5000, message = "description is at most 5000 characters.") String description,
                             @Pattern(regexp = "[a-z]{2}", message = "language must be an ISO 639-1 code such as es or en.")
                             String language) {

    public ListingRequest {
        language = language == null ? "es" : language;
    }
}
