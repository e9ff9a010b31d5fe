package dev.pasarela.publishing;

import dev.pasarela.api.ProblemException;
import java.net.URI;
import java.time.Instant;

/**
 * A URL anyone can GET, without credentials, until {@code expiresAt}: how Meta's crawler fetches a
 * photo. Relative ({@code /files/download/…}) when the files are on the gateway's disk and its
 * public address is not configured: good for a page the gateway itself serves, not for Meta.
 */
public record PublicLink(URI url, Instant expiresAt) {

    /** Whether someone outside can fetch it: an absolute URL. */
    public boolean reachableFromOutside() {
        return url.isAbsolute();
    }

    /** This link, or a 503 problem when only the gateway's own pages could use it. */
    public PublicLink requireReachableFromOutside() {
        if (!reachableFromOutside()) {
            throw new ProblemException(503, "storage-not-public", "Files are not reachable from outside",
                    "Files are kept on this gateway's disk and PASARELA_PUBLIC_BASE_URL is not set, so Meta "
                            + "cannot fetch them: set it to the gateway's public address, or use a Storage bucket.");
        }
        return this;
    }

    @Override
    public String toString() {
        return "PublicLink[expiresAt=" + expiresAt + "]"; // the URL is a bearer credential
    }
}
