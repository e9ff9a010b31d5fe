package dev.pasarela.security;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public keys Firebase signs ID tokens with, as a JWKS, cached for as long as the response's
 * {@code Cache-Control: max-age} says (Nimbus's own cache ignores it). An unknown {@code kid}
 * triggers one refresh, at most once a minute, so forged kids cannot hammer Google.
 */
public class GooglePublicKeys implements JWKSource<SecurityContext> {

    private static final Logger log = LoggerFactory.getLogger(GooglePublicKeys.class);
    private static final Pattern MAX_AGE = Pattern.compile("max-age=(\\d+)");
    private static final Duration DEFAULT_TTL = Duration.ofHours(1);
    private static final Duration MIN_REFRESH_INTERVAL = Duration.ofMinutes(1);

    private final URI url;
    private final HttpClient http;
    private final Clock clock;
    private volatile JWKSet keys;
    private volatile Instant expires = Instant.EPOCH;
    private volatile Instant lastFetch = Instant.EPOCH;

    public GooglePublicKeys(URI url, Clock clock) {
        this.url = url;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
        Instant now = clock.instant();
        if (keys == null || now.isAfter(expires)) {
            refresh(now);
        }
        List<JWK> found = selector.select(keys);
        if (found.isEmpty() && now.isAfter(lastFetch.plus(MIN_REFRESH_INTERVAL))) {
            refresh(now); // keys rotate: an unknown kid may be a new key
            found = selector.select(keys);
        }
        return found;
    }

    private synchronized void refresh(Instant now) throws KeySourceException {
        if (keys != null && clock.instant().isBefore(expires) && !lastFetch.isBefore(now)) {
            return; // another thread refreshed while this one waited for the lock
        }
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("public keys endpoint answered " + r.statusCode());
            }
            keys = JWKSet.parse(r.body());
            lastFetch = now;
            expires = now.plus(r.headers().firstValue("Cache-Control").map(GooglePublicKeys::maxAge).orElse(DEFAULT_TTL));
            log.info("Firebase public keys refreshed: {} keys, valid until {}", keys.getKeys().size(), expires);
        } catch (IOException | ParseException e) {
            if (keys == null) {
                throw new KeySourceException("cannot fetch Firebase public keys from " + url + ": " + e.getMessage(), e);
            }
            log.warn("Firebase public keys refresh failed, keeping the cached ones: {}", e.toString());
            expires = now.plus(MIN_REFRESH_INTERVAL);
            lastFetch = now;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeySourceException("interrupted fetching Firebase public keys", e);
        }
    }

    static Duration maxAge(String cacheControl) {
        Matcher m = MAX_AGE.matcher(cacheControl);
        return m.find() ? Duration.ofSeconds(Long.parseLong(m.group(1))) : DEFAULT_TTL;
    }
}
