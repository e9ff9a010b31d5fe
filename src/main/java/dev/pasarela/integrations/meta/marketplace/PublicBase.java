package dev.pasarela.integrations.meta.marketplace;

import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** The gateway's public address for links handed out: the configured one, else the address this request came to. */
final class PublicBase {

    private PublicBase() {
    }

    static String of(MarketplaceProperties settings) {
        String base = settings.publicBaseUrl() == null || settings.publicBaseUrl().isBlank()
                ? ServletUriComponentsBuilder.fromCurrentContextPath().toUriString()
                : settings.publicBaseUrl().trim();
        return base.replaceAll("/+$", "");
    }

    /** A link of the gateway's disk store ({@code /files/download/…}) made absolute; others as they are. */
    static java.net.URI absolute(MarketplaceProperties settings, java.net.URI link) {
        return link.isAbsolute() ? link : java.net.URI.create(of(settings) + link);
    }
}
