package dev.pasarela.integrations.meta.marketplace;

import dev.pasarela.config.SelfChecking;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code pasarela.marketplace.*}: the assisted Marketplace listing and the vehicles catalog feed.
 *
 * @param photoLinkValidity how long the signed photo URLs of a listing package, the staff page and the feed
 *                          work ({@code PASARELA_MARKETPLACE_PHOTO_LINK_VALIDITY}); V4 signing allows 7 days at most
 * @param publicBaseUrl     {@code PASARELA_PUBLIC_BASE_URL}: the gateway's public address, for the staff page and
 *                          feed URLs; blank uses the address the API request came to
 * @param createListingUrl  Marketplace's "create vehicle listing" page, the package's deep link
 */
@Validated
@ConfigurationProperties("pasarela.marketplace")
public record MarketplaceProperties(
        @NotNull @DefaultValue("P7D") Duration photoLinkValidity,
        @DefaultValue("") String publicBaseUrl,
        @NotBlank @Pattern(regexp = "https://\\S+", message = "must be an https URL")
        @DefaultValue("https://www.facebook.com/marketplace/create/vehicle") String createListingUrl) implements SelfChecking {

    @Override
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (photoLinkValidity != null && (photoLinkValidity.isNegative() || photoLinkValidity.isZero()
                || photoLinkValidity.compareTo(Duration.ofDays(7)) > 0)) {
            problems.add("pasarela.marketplace.photo-link-validity (PASARELA_MARKETPLACE_PHOTO_LINK_VALIDITY) "
                    + "must be between 1 second and 7 days");
        }
        if (publicBaseUrl != null && !publicBaseUrl.isBlank() && !publicBaseUrl.trim().matches("https?://[^\\s/]+(/\\S*)?")) {
            problems.add("pasarela.marketplace.public-base-url (PASARELA_PUBLIC_BASE_URL) must be an http(s) URL");
        }
        return problems;
    }
}
