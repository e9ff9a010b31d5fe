package dev.pasarela.http;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.ClientHttpRequestFactorySettings;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.ClientHttpRequestFactory;

/**
 * What every outgoing HTTP client built on Boot's {@code RestClient.Builder} shares: a request factory
 * with that client's own timeouts (one for providers' APIs, one for endpoints we do not control), and
 * the answer's {@code Retry-After} read.
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
     * A connection idle this long is closed by the client's evictor, which also wakes this often: so
     * within 20-40 s of its last call, before the provider's own idle timeout (60 s and more for load
     * balancers), and a send does not meet a connection the provider is closing at that moment; nor
     * does the pool keep sockets the provider closed.
     */
    static final TimeValue CLOSE_AFTER_IDLE = TimeValue.ofSeconds(20);

    /**
     * For a provider's API (Graph, Twilio, SendGrid, Resend, Google's keys): Apache HttpClient (classic)
     * with the given timeouts, the call made on the calling thread. The JDK's client passes every call
     * between the caller, its selector thread and its workers: with it the outbound delivery cost ~1.4 ms
     * more CPU per message and drained 400-435 messages/s instead of 646-787 (bench/RESULTS.md, 2026-12-04,
     * fifth session).
     * <ul>
     * <li>Redirects are not followed: a provider's 3xx is an answer to classify, and following it would
     * send our credentials on.</li>
     * <li>The client's own retries are off: a 429 or 503 with {@code Retry-After} reaches the caller at
     * once, for the pipeline's redelivery, which reads it.</li>
     * <li>No cookies: a provider's {@code Set-Cookie} would be sent back on every tenant's calls.</li>
     * <li>The read timeout is set on the connection and on every request, not only on the socket Boot
     * configures: httpclient5 5.5.1 otherwise gives a reused TLS connection its connect timeout as read
     * timeout (spring-boot#47895), and a slow answer to a send that went through would be retried.</li>
     * </ul>
     * The read timeout bounds each wait for the answer's bytes, not the whole exchange: for endpoints
     * we do not control, {@link #requestFactoryForUntrustedEndpoints}.
     */
    public static ClientHttpRequestFactory requestFactory(Duration connectTimeout, Duration readTimeout) {
        return requestFactory(connectTimeout, readTimeout, null, CLOSE_AFTER_IDLE);
    }

    /**
     * {@link #requestFactory(Duration, Duration)} trusting {@code tls} (tests: a local TLS server's
     * certificate), closing connections idle for {@code closeAfterIdle}.
     */
    static ClientHttpRequestFactory requestFactory(Duration connectTimeout, Duration readTimeout, SslBundle tls,
                                                   TimeValue closeAfterIdle) {
        return ClientHttpRequestFactoryBuilder.httpComponents()
                .withHttpClientCustomizer(client -> client.disableAutomaticRetries().disableCookieManagement()
                        .evictIdleConnections(closeAfterIdle))
                .withConnectionManagerCustomizer(pool -> pool
                        .setMaxConnPerRoute(MAX_CONNECTIONS_PER_HOST)
                        .setMaxConnTotal(MAX_CONNECTIONS)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(connectTimeout))
                                .setSocketTimeout(Timeout.of(readTimeout))
                                .setValidateAfterInactivity(CHECK_AFTER_IDLE)
                                .build()))
                .withDefaultRequestConfigCustomizer(request -> request
                        .setResponseTimeout(Timeout.of(readTimeout))
                        // never reached (see MAX_CONNECTIONS_PER_HOST); were it, not Apache's 3 minutes with a consumer held
                        .setConnectionRequestTimeout(Timeout.of(connectTimeout)))
                .build(settings(connectTimeout, readTimeout).withSslBundle(tls));
    }

    /**
     * For endpoints we do not control (tenants' callbacks): the JDK's client through Spring's
     * {@code JdkClientHttpRequestFactory}, whose read timeout bounds the whole exchange, the answer's
     * body included (Spring's own timer, not the JDK's), and which caps the answer's headers. An endpoint
     * that trickles its answer or never ends it cannot hold a consumer past the timeout, as it could
     * on Apache's client (the timeout there bounds each read, and the unread body is drained on close).
     * HTTP/1.1 (kept alive): the JDK's cleartext HTTP/2 upgrade loses error answers from Jetty-based
     * servers (a ClosedChannelException instead of the 4xx). No cookies, no redirects, no retries.
     */
    public static ClientHttpRequestFactory requestFactoryForUntrustedEndpoints(Duration connectTimeout,
                                                                               Duration readTimeout) {
        return ClientHttpRequestFactoryBuilder.jdk()
                .withHttpClientCustomizer(client -> client.version(HttpClient.Version.HTTP_1_1))
                .build(settings(connectTimeout, readTimeout));
    }

    /**
     * Closes a factory's connections, and the thread that evicts its idle ones, for the clients'
     * {@code close()}: the application context closes them, so neither outlives it.
     */
    public static void close(ClientHttpRequestFactory factory) throws Exception {
        if (factory instanceof DisposableBean pool) {
            pool.destroy();
        }
    }

    private static ClientHttpRequestFactorySettings settings(Duration connectTimeout, Duration readTimeout) {
        return ClientHttpRequestFactorySettings.defaults()
                .withTimeouts(connectTimeout, readTimeout)
                .withRedirects(ClientHttpRequestFactorySettings.Redirects.DONT_FOLLOW);
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
