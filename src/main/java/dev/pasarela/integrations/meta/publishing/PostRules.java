package dev.pasarela.integrations.meta.publishing;

import dev.pasarela.api.ProblemException;
import dev.pasarela.publishing.MediaFile;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Meta's documented limits, checked before any call so a post that cannot succeed is refused at once. */
final class PostRules {

    /** Instagram counts {@code #word} tags; more than 30 fails the container. */
    private static final Pattern HASHTAG = Pattern.compile("(?<![\\p{L}\\p{N}_&])#[\\p{L}\\p{N}_]+");
    static final int MAX_HASHTAGS = 30;
    static final int MAX_CAPTION = 2200;
    /** Scheduled Page posts: between 10 minutes and 30 days from the request (the Pages API posts guide). */
    static final Duration SCHEDULE_MIN = Duration.ofMinutes(10);
    static final Duration SCHEDULE_MAX = Duration.ofDays(30);
    /** Instagram feed images: aspect ratio between 4:5 and 1.91:1 (the ig-user/media reference). */
    private static final double MIN_RATIO = 4.0 / 5.0;
    private static final double MAX_RATIO = 1.91;

    private PostRules() {
    }

    static void facebook(FacebookPostRequest r, Instant now) {
        boolean text = r.message() != null && !r.message().isBlank();
        boolean photos = r.photos() != null && !r.photos().isEmpty();
        if (!text && !photos && r.link() == null) {
            throw unprocessable("empty-post", "Empty post", "A post needs a message, a link or photos.");
        }
        if (r.scheduledAt() != null) {
            Duration ahead = Duration.between(now, r.scheduledAt());
            if (ahead.compareTo(SCHEDULE_MIN) < 0 || ahead.compareTo(SCHEDULE_MAX) > 0) {
                throw unprocessable("invalid-schedule", "Invalid schedule", "scheduledAt must be between 10 minutes "
                        + "and 30 days from now (Facebook's limits); it is " + describe(ahead) + ".");
            }
        }
    }

    static void instagramCaption(String caption) {
        if (caption == null) {
            return;
        }
        if (caption.length() > MAX_CAPTION) {
            throw unprocessable("caption-too-long", "Caption too long",
                    "An Instagram caption is at most 2200 characters; this one has " + caption.length() + ".");
        }
        int tags = hashtags(caption);
        if (tags > MAX_HASHTAGS) {
            throw unprocessable("too-many-hashtags", "Too many hashtags",
                    "An Instagram caption takes at most 30 hashtags; this one has " + tags + ".");
        }
    }

    static int hashtags(String text) {
        Matcher m = HASHTAG.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    static void instagramPhotos(List<MediaFile> photos) {
        if (photos.size() > 10) {
            throw unprocessable("too-many-photos", "Too many photos", "A carousel takes 2 to 10 photos.");
        }
        for (MediaFile f : photos) {
            image(f);
            double ratio = (double) f.width() / f.height();
            if (ratio < MIN_RATIO - 0.005 || ratio > MAX_RATIO + 0.005) {
                throw unprocessable("unsupported-aspect-ratio", "Unsupported aspect ratio", f.path() + " is "
                        + f.width() + "x" + f.height() + "; Instagram takes images from 4:5 (portrait) to 1.91:1 "
                        + "(landscape). Crop it and upload it again.");
            }
        }
    }

    static void image(MediaFile f) {
        if (!f.image() || f.width() == null || f.height() == null) {
            throw unprocessable("not-an-image", "Not an image", f.path() + " is " + f.contentType()
                    + "; posts take JPEG, PNG or WebP images.");
        }
    }

    private static String describe(Duration d) {
        return d.isNegative() ? "in the past" : d.toMinutes() + " minutes ahead";
    }

    static ProblemException unprocessable(String type, String title, String detail) {
        return new ProblemException(422, type, title, detail);
    }
}
