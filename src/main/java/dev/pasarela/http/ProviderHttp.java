package dev.pasarela.http;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.ClientHttpRequestFactorySettings;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.ClientHttpRequestFactory;

/**
 * What every provider client built on Boot's {@code RestClient.Builder} shares: a request factory
 * with that client's own timeouts, and the provider's {@code Retry-After} read.
 */
public final class ProviderHttp {

    private ProviderHttp() {}

    /**
     * The JDK's client with the given timeouts. Redirects are not followed: a provider's 3xx is an
     * answer to classify, and following it would send our credentials on. HTTP/1.1 (kept alive):
     * the JDK's cleartext HTTP/2 upgrade loses error answers from Jetty-based servers (a
     * ClosedChannelException instead of the 4xx), and stand-ins and tenants' servers are such.
     */
    public static ClientHttpRequestFactory requestFactory(Duration connectTimeout, Duration readTimeout) {
        return ClientHttpRequestFactoryBuilder.jdk()
                .withHttpClientCustomizer(client -> client.version(HttpClient.Version.HTTP_1_1))
                .build(ClientHttpRequestFactorySettings.defaults()
                .withTimeouts(connectTimeout, readTimeout)
                .withRedirects(ClientHttpRequestFactorySettings.Redirects.DONT_FOLLOW));
    }

    /** {@code Retry-After} as delay-seconds or an HTTP-date (RFC 9110 §10.2.3); empty when absent or unreadable. */
    public static Optional<Duration> retryAfter(HttpHeaders headers, Clock clock) {
        String value = headers.getFirst(HttpHeaders.RETRY_AFTER);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        value = value.trim();
        if (value.chars().allMatch(Character::isDigit)) {
            return value.length() > 9 ? Optional.empty() : Optional.of(Duration.ofSeconds(Long.parseLong(value)));
        }
        try {
            Duration until = Duration.between(clock.instant(),
                    ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            return Optional.of(until.isNegative() ? Duration.ZERO : until);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
