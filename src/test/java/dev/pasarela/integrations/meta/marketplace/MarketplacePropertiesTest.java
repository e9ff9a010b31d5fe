package dev.pasarela.integrations.meta.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The rules ConfigurationCheck reports at start that Bean Validation cannot say. */
class MarketplacePropertiesTest {

    static final String FORM = "https://www.facebook.com/marketplace/create/vehicle";

    @Test
    void photoLinksLastBetweenASecondAndSevenDays() {
        assertThat(new MarketplaceProperties(Duration.ofDays(7), "", FORM).problems()).isEmpty();
        assertThat(new MarketplaceProperties(Duration.ofDays(8), "", FORM).problems())
                .singleElement().asString().contains("PASARELA_MARKETPLACE_PHOTO_LINK_VALIDITY", "7 days");
        assertThat(new MarketplaceProperties(Duration.ZERO, "", FORM).problems()).hasSize(1);
    }

    @Test
    void thePublicBaseUrlIsAnHttpUrlWhenSet() {
        assertThat(new MarketplaceProperties(Duration.ofDays(1), "https://gw.example.test", FORM).problems()).isEmpty();
        assertThat(new MarketplaceProperties(Duration.ofDays(1), "gw.example.test", FORM).problems())
                .singleElement().asString().contains("PASARELA_PUBLIC_BASE_URL");
    }
}
