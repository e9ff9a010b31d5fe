package dev.pasarela.callbacks;

import dev.pasarela.security.CredentialNames;
import dev.pasarela.pipeline.Variables;
import dev.pasarela.pipeline.errors.ErrorHandling;
import dev.pasarela.pipeline.errors.NotTriedException;
import dev.pasarela.pipeline.errors.PermanentException;
import dev.pasarela.pipeline.errors.RetryProperties;
import dev.pasarela.pipeline.errors.TransientException;
import dev.pasarela.tenants.Tenant;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.http.ProviderHttp;
import dev.pasarela.security.CredentialVault;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * {@code callbacks.out.deliver}: posts queued events to the tenant's {@code callbackUrl}, with the
 * event's stable id ({@code X-Pasarela-Event-Id}) and this try's number
 * ({@code X-Pasarela-Delivery-Attempt}). Signed when the tenant has a {@code callback} credential
 * with a {@code signingSecret} in the vault: {@code X-Pasarela-Signature: t=<unix>,v1=<hex>,v2=<hex>},
 * v1 the HMAC-SHA256 of {@code "t.body"} (kept for receivers written against it), v2 of
 * {@code "t.eventId.attempt.body"} (docs/callbacks.md). Timeouts, 408, 425, 429 (after its
 * {@code Retry-After}) and 5xx are retried on the broker for {@code pasarela.retry.broker-retries}
 * (at least a day) without holding a consumer, and a tenant's endpoint failing again and again is
 * parked ({@link CallbackEndpoints}); other 4xx and 3xx are permanent (dead letter). A tenant
 * without a callback URL is skipped.
 */
@Component
public class CallbackRoutes extends RouteBuilder implements CredentialNames {

    @Override
    public java.util.Set<String> credentialNames() {
        return java.util.Set.of("callback");
    }

    public static final String ROUTE_ID = "callbacks.out.deliver";
    public static final String SIGNATURE_HEADER = "X-Pasarela-Signature";
    public static final String EVENT_ID_HEADER = "X-Pasarela-Event-Id";
    public static final String ATTEMPT_HEADER = "X-Pasarela-Delivery-Attempt";
    /** Tenants are told a day at least (issue 13): shorter would dead-letter a weekend's outage. */
    static final java.time.Duration MIN_RETRY_HORIZON = java.time.Duration.ofDays(1);
    private static final Logger log = LoggerFactory.getLogger(CallbackRoutes.class);

    private final TenantRepository tenants;
    private final CredentialVault vault;
    private final CallbackProperties properties;
    private final RestClient http;
    private final Clock clock;
    private final CallbackEndpoints endpoints;

    public CallbackRoutes(TenantRepository tenants, CredentialVault vault, CallbackProperties properties,
                          RestClient.Builder http, Clock clock, CallbackEndpoints endpoints, RetryProperties retry) {
        java.time.Duration horizon = retry.brokerRetryHorizon(ROUTE_ID).orElse(java.time.Duration.ZERO);
        if (horizon.compareTo(MIN_RETRY_HORIZON) < 0) {
            throw new IllegalStateException("pasarela.retry.broker-retries[" + ROUTE_ID + "] must be at least "
                    + MIN_RETRY_HORIZON + " (is " + horizon + "): tenants are told failing callbacks are retried a day");
        }
        this.endpoints = endpoints;
        this.tenants = tenants;
        this.vault = vault;
        this.properties = properties;
        this.clock = clock;
        this.http = http.requestFactory(ProviderHttp.requestFactoryForUntrustedEndpoints(properties.connectTimeout(), properties.timeout()))
                .build();
    }

    @Override
    public void configure() {
        from("jms:queue:" + CallbackSink.QUEUE + "?transacted=true&lazyCreateTransactionManager=false"
                + "&concurrentConsumers=" + properties.concurrency())
                .routeId(ROUTE_ID)
                .routeConfigurationId(ErrorHandling.DELIVERY)
                .process(this::post).id("deliver-call");
    }

    /**
     * How long a callback waits while its endpoint is parked: the time the endpoint stays parked, doubled
     * for each try the callback already had (1, 2, 4 minutes…; the retry policy caps it at
     * {@code pasarela.retry.max-deferral-ms}, an hour). Each wait takes the callback off the broker and back
     * (a consumer's pass, a durable send, and a move per waiting queue it passes): at the open time alone,
     * every callback of a long outage came back once a minute, and 24,000 of them took most of the
     * gateway's two cores (bench/callback-outage.sh, bench/RESULTS.md).
     */
    Duration parkedWait(Exchange exchange) {
        int tries = ErrorHandling.deliveryAttempt(exchange) - 1;
        return properties.breaker().openFor().multipliedBy(1L << Math.min(Math.max(tries, 0), 16));
    }

    void post(Exchange exchange) throws Exception {
        String tenantId = exchange.getIn().getHeader(Variables.H_TENANT_ID, String.class);
        Optional<Tenant> tenant = tenants.find(tenantId);
        if (tenant.isEmpty() || tenant.get().callbackUrl() == null) {
            log.debug("No callback URL for tenant {}: event {} not published", tenantId,
                    exchange.getIn().getHeader(Variables.H_EVENT_KEY));
            return;
        }
        byte[] body = exchange.getIn().getMandatoryBody(byte[].class);
        String what = "callback of " + tenantId;
        String url = tenant.get().callbackUrl();
        // built (and signed) before the breaker's permission is taken: a failure here cannot strand it
        RestClient.RequestBodySpec request = request(exchange, tenantId, url, body);
        CircuitBreaker breaker = endpoints.breaker(tenantId, url);
        if (!breaker.tryAcquirePermission()) { // parked: back to the broker without a call
            throw new NotTriedException(what + " not tried: its endpoint is parked after failing", parkedWait(exchange));
        }
        if (!endpoints.tryCall(tenantId, url, breaker)) { // failing or slow, and already being called by another consumer
            breaker.releasePermission();
            throw new NotTriedException(what + " not tried: its endpoint just failed and is being tried again",
                    Duration.ofSeconds(1));
        }
        boolean recorded = false;
        long started = breaker.getCurrentTimestamp();
        try {
            request.retrieve()
                    .onStatus(CallbackRoutes::retryable, (req, response) -> {
                        throw new TransientException(what + " answered " + response.getStatusCode().value(), null,
                                ProviderHttp.retryAfter(response.getHeaders(), clock).orElse(null));
                    })
                    .onStatus(status -> !status.is2xxSuccessful(), (req, response) -> {
                        throw new PermanentException(what + " answered " + response.getStatusCode().value());
                    })
                    .toBodilessEntity();
            recorded = true;
            breaker.onSuccess(breaker.getCurrentTimestamp() - started, breaker.getTimestampUnit());
        } catch (ResourceAccessException e) {
            // the cause's class only: the tenant's URL may carry a token of theirs
            TransientException failure = new TransientException(
                    what + " unreachable: " + e.getMostSpecificCause().getClass().getSimpleName(), e.getMostSpecificCause());
            recorded = true;
            breaker.onError(breaker.getCurrentTimestamp() - started, breaker.getTimestampUnit(), failure);
            throw failure;
        } catch (RuntimeException e) { // a 4xx is recorded as a success: the endpoint is up
            recorded = true;
            breaker.onError(breaker.getCurrentTimestamp() - started, breaker.getTimestampUnit(), e);
            throw e;
        } finally {
            if (!recorded) { // an Error: the half-open breaker's one permission must not be lost
                breaker.releasePermission();
            }
            endpoints.callEnded(tenantId, url, java.time.Duration.of(breaker.getCurrentTimestamp() - started,
                    breaker.getTimestampUnit().toChronoUnit()));
        }
    }

    /**
     * The signed request. What cannot be built never will be (a URL that is not one: permanent); a
     * store that cannot be read now may be read later (transient).
     */
    private RestClient.RequestBodySpec request(Exchange exchange, String tenantId, String url, byte[] body) {
        String eventId = exchange.getIn().getHeader(Variables.H_EVENT_KEY, String.class);
        int attempt = ErrorHandling.deliveryAttempt(exchange);
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new PermanentException("callback URL of " + tenantId + " is not a URL");
        }
        RestClient.RequestBodySpec request = http.post().uri(uri)
                .contentType(MediaType.APPLICATION_JSON)
                .header("X-Pasarela-Event", exchange.getIn().getHeader(Variables.H_EVENT_TYPE, String.class))
                .header(EVENT_ID_HEADER, eventId)
                .header(ATTEMPT_HEADER, String.valueOf(attempt))
                .body(body);
        Optional<String> secret;
        try {
            secret = vault.credentials(tenantId, "callback").map(c -> c.get("signingSecret"));
        } catch (PermanentException e) {
            throw e; // e.g. credential-unreadable
        } catch (RuntimeException e) {
            throw new TransientException("callback signing secret of " + tenantId + " not readable now: "
                    + e.getClass().getSimpleName(), e);
        }
        secret.ifPresent(s -> request.header(SIGNATURE_HEADER,
                sign(body, s, clock.instant().getEpochSecond(), eventId, attempt)));
        return request;
    }

    /** Worth another try: the receiver is slow, early, rate-limiting or failing. */
    static boolean retryable(HttpStatusCode status) {
        int code = status.value();
        return code == 408 || code == 425 || code == 429 || status.is5xxServerError();
    }

    /** {@code t=<unix>,v1=<hex HMAC of "t.body">,v2=<hex HMAC of "t.eventId.attempt.body">}. */
    public static String sign(byte[] body, String secret, long timestamp, String eventId, int attempt) {
        return "t=" + timestamp + ",v1=" + hmac(secret, timestamp + ".", body)
                + ",v2=" + hmac(secret, timestamp + "." + eventId + "." + attempt + ".", body);
    }

    private static String hmac(String secret, String prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(prefix.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
