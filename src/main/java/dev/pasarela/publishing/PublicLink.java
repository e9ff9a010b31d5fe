package dev.pasarela.publishing;

import java.net.URI;
import java.time.Instant;

/** A URL anyone can GET, without credentials, until {@code expiresAt}: how Meta's crawler fetches a photo. */
public record PublicLink(URI url, Instant expiresAt) {

    @Override
    public String toString() {
        return "PublicLink[expiresAt=" + expiresAt + "]"; // the URL is a bearer credential
    }
}
