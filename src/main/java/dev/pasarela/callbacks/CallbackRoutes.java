package dev.pasarela.callbacks;

import dev.pasarela.security.CredentialNames;
import dev.pasarela.pipeline.Variables;
import dev.pasarela.pipeline.errors.ErrorHandling;
import dev.pasarela.pipeline.errors.PermanentException;
import dev.pasarela.pipeline.errors.TransientException;
import dev.pasarela.tenants.Tenant;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.http.ProviderHttp;
import dev.pasarela.security.CredentialVault;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
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
 * {@code callbacks.out.deliver}: posts queued events to the tenant's {@code callbackUrl}. Signed
 * like Stripe signs ({@code X-Pasarela-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">}) when
 * the tenant has a {@code callback} credential with a {@code signingSecret} in the vault.
 * Timeouts, 408, 425, 429 (after its {@code Retry-After}) and 5xx are retried; other 4xx and 3xx
 * are permanent (dead letter). A tenant without a callback URL is skipped.
 */
@Component
public class CallbackRoutes extends RouteBuilder implements CredentialNames {

    @Override
    public java.util.Set<String> credentialNames() {
        return java.util.Set.of("callback");
    }

    public static final String SIGNATURE_HEADER = "X-Pasarela-Signature";
    private static final Logger log = LoggerFactory.getLogger(CallbackRoutes.class);

    private final TenantRepository tenants;
    private final CredentialVault vault;
    private final CallbackProperties properties;
    private final RestClient http;
    private final Clock clock;

    public CallbackRoutes(TenantRepository tenants, CredentialVault vault, CallbackProperties properties,
                          RestClient.Builder http, Clock clock) {
        this.tenants = tenants;
        this.vault = vault;
        this.properties = properties;
        this.clock = clock;
        this.http = http.requestFactory(ProviderHttp.requestFactory(properties.connectTimeout(), properties.timeout()))
                .build();
    }

    @Override
    public void configure() {
        from("jms:queue:" + CallbackSink.QUEUE + "?transacted=true&lazyCreateTransactionManager=false"
                + "&concurrentConsumers=" + properties.concurrency())
                .routeId("callbacks.out.deliver")
                .routeConfigurationId(ErrorHandling.DELIVERY)
                .process(this::post).id("deliver-call");
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
        RestClient.RequestBodySpec request = http.post().uri(URI.create(tenant.get().callbackUrl()))
                .contentType(MediaType.APPLICATION_JSON)
                .header("X-Pasarela-Event", exchange.getIn().getHeader(Variables.H_EVENT_TYPE, String.class))
                .header("X-Pasarela-Event-Id", exchange.getIn().getHeader(Variables.H_EVENT_KEY, String.class))
                .body(body);
        vault.credentials(tenantId, "callback").map(c -> c.get("signingSecret"))
                .ifPresent(secret -> request.header(SIGNATURE_HEADER, sign(body, secret, clock.instant().getEpochSecond())));
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
        } catch (ResourceAccessException e) {
            // the cause's class only: the tenant's URL may carry a token of theirs
            throw new TransientException(what + " unreachable: " + e.getMostSpecificCause().getClass().getSimpleName(),
                    e.getMostSpecificCause());
        }
    }

    /** Worth another try: the receiver is slow, early, rate-limiting or failing. */
    static boolean retryable(HttpStatusCode status) {
        int code = status.value();
        return code == 408 || code == 425 || code == 429 || status.is5xxServerError();
    }

    public static String sign(byte[] body, String secret, long timestamp) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
