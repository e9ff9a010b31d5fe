package dev.pasarela.security;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.pasarela.http.ProviderHttp;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * The public keys Firebase signs ID tokens with, as a JWKS, cached for as long as the response's
 * {@code Cache-Control: max-age} says (Nimbus's own cache ignores it). An unknown {@code kid}
 * triggers one refresh, at most once a minute, so forged kids cannot hammer Google.
 */
public class GooglePublicKeys implements JWKSource<SecurityContext>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GooglePublicKeys.class);
    private static final Pattern MAX_AGE = Pattern.compile("max-age=(\\d+)");
    private static final Duration DEFAULT_TTL = Duration.ofHours(1);
    private static final Duration MIN_REFRESH_INTERVAL = Duration.ofMinutes(1);

    private final URI url;
    private final RestClient http;
    private final ClientHttpRequestFactory connections;
    private final Clock clock;
    private volatile JWKSet keys;
    private volatile Instant expires = Instant.EPOCH;
    private volatile Instant lastFetch = Instant.EPOCH;

    public GooglePublicKeys(RestClient.Builder http, FirebaseProperties firebase, Clock clock) {
        this.url = firebase.publicKeysUrl();
        this.clock = clock;
        this.connections = ProviderHttp.requestFactory(firebase.keysConnectTimeout(), firebase.keysTimeout());
        this.http = http.requestFactory(connections).build();
    }

    /** Its connections close with the application context (a bean of {@code SecurityConfiguration}). */
    @Override
    public void close() throws Exception {
        ProviderHttp.close(connections);
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
            // any answer but a 200 is a RestClientException (3xx included: redirects are not followed)
            ResponseEntity<String> r = http.get().uri(url).retrieve()
                    .onStatus(status -> status.value() != 200, (req, response) -> {
                        throw new RestClientException("public keys endpoint answered " + response.getStatusCode().value());
                    })
                    .toEntity(String.class);
            keys = JWKSet.parse(r.getBody() == null ? "" : r.getBody());
            lastFetch = now;
            String cacheControl = r.getHeaders().getCacheControl();
            expires = now.plus(cacheControl == null ? DEFAULT_TTL : maxAge(cacheControl));
            log.info("Firebase public keys refreshed: {} keys, valid until {}", keys.getKeys().size(), expires);
        } catch (RestClientException | ParseException e) {
            if (keys == null) {
                throw new KeySourceException("cannot fetch Firebase public keys from " + url + ": " + e.getMessage(), e);
            }
            log.warn("Firebase public keys refresh failed, keeping the cached ones: {}", e.toString());
            expires = now.plus(MIN_REFRESH_INTERVAL);
            lastFetch = now;
        }
    }

    static Duration maxAge(String cacheControl) {
        Matcher m = MAX_AGE.matcher(cacheControl);
        return m.find() ? Duration.ofSeconds(Long.parseLong(m.group(1))) : DEFAULT_TTL;
    }
}
