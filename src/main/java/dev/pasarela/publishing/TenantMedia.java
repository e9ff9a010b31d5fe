package dev.pasarela.publishing;

import java.time.Duration;

/**
 * A tenant's stored files, for publishing. Paths are tenant-relative ({@code vehicles/{id}/{name}},
 * {@code sales/{id}/{name}}, {@code branding/{name}}) and always resolved under the given tenant, so
 * no path can name another tenant's file. Refusals are {@link dev.pasarela.api.ProblemException}s:
 * 400 for a path that is not one, 404 for a file that is not there. A link is relative when the
 * files are on disk and the gateway's public address is not configured: a caller handing it to
 * Meta checks {@link PublicLink#requireReachableFromOutside()}.
 */
public interface TenantMedia {

    MediaFile describe(String tenantId, String path);

    /** The file as it is, on a public URL valid for {@code validFor}. */
    PublicLink publicUrl(String tenantId, String path, Duration validFor);

    /**
     * An image as a JPEG on a public URL: a JPEG as it is, a PNG or WebP converted once and kept
     * beside it ({@code <name>.jpg}), for publishers that only take JPEG (Instagram).
     */
    PublicLink publicJpegUrl(String tenantId, String path, Duration validFor);
}
