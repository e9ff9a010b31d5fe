package dev.pasarela.integrations.ai;

import dev.pasarela.http.ProviderHttp;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;

/**
 * The wait an AI provider asks for, read from its answer's headers, in the order the SDKs' own
 * retry reads them ({@code retry-after-ms}, then {@code retry-after}), then from the provider's
 * rate-limit reset headers when a limit is used up. Null when the answer names no wait.
 */
public final class RateLimitHeaders {

    /** Anthropic's limits, each with {@code -remaining} and an RFC 3339 {@code -reset}. */
    private static final List<String> ANTHROPIC_LIMITS = List.of("requests", "tokens", "input-tokens", "output-tokens");

    /** One term of a Go duration ({@code 1h2m3.5s}, {@code 20ms}), as OpenAI writes its resets. */
    private static final Pattern GO_TERM = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|h|m|s)");

    private RateLimitHeaders() {}

    /** OpenAI: the retry headers, else the longer reset of an exhausted requests or tokens limit. */
    public static Duration openAi(HttpHeaders headers, Clock clock) {
        Duration asked = retryAfter(headers, clock);
        if (asked != null) {
            return asked;
        }
        Duration requests = exhausted(headers, "x-ratelimit-remaining-requests")
                ? goDuration(headers.getFirst("x-ratelimit-reset-requests")) : null;
        Duration tokens = exhausted(headers, "x-ratelimit-remaining-tokens")
                ? goDuration(headers.getFirst("x-ratelimit-reset-tokens")) : null;
        return longer(requests, tokens);
    }

    /** Anthropic: the retry headers, else the latest reset among its exhausted limits. */
    public static Duration anthropic(HttpHeaders headers, Clock clock) {
        Duration asked = retryAfter(headers, clock);
        if (asked != null) {
            return asked;
        }
        Duration longest = null;
        for (String limit : ANTHROPIC_LIMITS) {
            if (exhausted(headers, "anthropic-ratelimit-" + limit + "-remaining")) {
                longest = longer(longest, until(headers.getFirst("anthropic-ratelimit-" + limit + "-reset"), clock));
            }
        }
        return longest;
    }

    /** {@code retry-after-ms} (milliseconds, possibly fractional), else {@code retry-after} (seconds or an HTTP date). */
    public static Duration retryAfter(HttpHeaders headers, Clock clock) {
        String ms = headers.getFirst("retry-after-ms");
        if (ms != null) {
            try {
                double millis = Double.parseDouble(ms.trim());
                if (millis >= 0 && millis < 1e12) {
                    return Duration.ofNanos(Math.round(millis * 1_000_000));
                }
            } catch (NumberFormatException e) {
                // unreadable: fall through to retry-after, as the SDKs do
            }
        }
        return ProviderHttp.retryAfter(headers, clock).orElse(null);
    }

    /**
     * A Go duration as OpenAI writes {@code x-ratelimit-reset-*}: {@code 1s}, {@code 6m0s},
     * {@code 20ms}, {@code 1h2m3.5s}. Null when absent or unreadable.
     */
    public static Duration goDuration(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.trim();
        Matcher term = GO_TERM.matcher(text);
        double nanos = 0;
        int end = 0;
        while (term.find()) {
            if (term.start() != end) {
                return null;
            }
            end = term.end();
            nanos += Double.parseDouble(term.group(1)) * switch (term.group(2)) {
                case "h" -> 3_600e9;
                case "m" -> 60e9;
                case "s" -> 1e9;
                case "ms" -> 1e6;
                case "us", "µs" -> 1e3;
                default -> 1;
            };
        }
        return end == 0 || end != text.length() ? null : Duration.ofNanos(Math.round(nanos));
    }

    private static boolean exhausted(HttpHeaders headers, String remaining) {
        String value = headers.getFirst(remaining);
        return value != null && value.trim().equals("0");
    }

    private static Duration until(String rfc3339, Clock clock) {
        if (rfc3339 == null || rfc3339.isBlank()) {
            return null;
        }
        try {
            Duration wait = Duration.between(clock.instant(), OffsetDateTime.parse(rfc3339.trim()).toInstant());
            return wait.isNegative() ? Duration.ZERO : wait;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Duration longer(Duration a, Duration b) {
        if (a == null) {
            return b;
        }
        return b == null || a.compareTo(b) >= 0 ? a : b;
    }
}
