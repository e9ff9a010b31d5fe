package dev.pasarela.http;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
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
     * No limit a gateway reaches: the calls in flight to one provider are bounded by the threads that
     * make them (the outbound consumers), and a call waiting for a pooled connection would hold its
     * consumer. Connections are opened as needed and kept alive.
     */
    static final int MAX_CONNECTIONS_PER_HOST = 256;
    static final int MAX_CONNECTIONS = 1024;
    /** A pooled connection idle longer than this is checked before it is reused: the provider may have closed it. */
    static final TimeValue CHECK_AFTER_IDLE = TimeValue.ofSeconds(1);

    /**
     * Apache HttpClient (classic) with the given timeouts: the call runs on the calling thread. The
     * JDK's client hands every call to its selector and worker threads: with it the outbound delivery
     * cost ~1.4 ms more CPU per message and drained 400-430 messages/s instead of 650-700 (bench/RESULTS.md,
     * 2026-12-04, fifth session). Redirects are not followed: a provider's 3xx is an answer to classify, and
     * following it would send our credentials on. The client's own retries are off: a 429 or 503 with
     * {@code Retry-After} reaches the caller at once, for the pipeline's redelivery, which reads it.
     */
    public static ClientHttpRequestFactory requestFactory(Duration connectTimeout, Duration readTimeout) {
        return ClientHttpRequestFactoryBuilder.httpComponents()
                .withHttpClientCustomizer(HttpClientBuilder::disableAutomaticRetries)
                .withConnectionManagerCustomizer(pool -> pool
                        .setMaxConnPerRoute(MAX_CONNECTIONS_PER_HOST)
                        .setMaxConnTotal(MAX_CONNECTIONS)
                        // replaces Boot's, which carries only the connect timeout
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(connectTimeout))
                                .setValidateAfterInactivity(CHECK_AFTER_IDLE)
                                .build()))
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
