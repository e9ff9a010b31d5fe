package dev.pasarela.callbacks;

import dev.pasarela.pipeline.Variables;
import dev.pasarela.pipeline.errors.ErrorHandling;
import dev.pasarela.pipeline.errors.PermanentException;
import dev.pasarela.pipeline.errors.TransientException;
import dev.pasarela.tenants.Tenant;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.security.CredentialVault;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * {@code callbacks.out.deliver}: posts queued events to the tenant's {@code callbackUrl}. Signed
 * like Stripe signs ({@code X-Pasarela-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">}) when
 * the tenant has a {@code callback} credential with a {@code signingSecret} in the vault.
 * Timeouts, 408, 425, 429 and 5xx are retried; other 4xx are permanent (dead letter). A tenant
 * without a callback URL is skipped.
 */
@Component
public class CallbackRoutes extends RouteBuilder {

    public static final String SIGNATURE_HEADER = "X-Pasarela-Signature";
    private static final Logger log = LoggerFactory.getLogger(CallbackRoutes.class);

    private final TenantRepository tenants;
    private final CredentialVault vault;
    private final HttpClient http;
    private final Duration timeout;

    public CallbackRoutes(TenantRepository tenants, CredentialVault vault,
                          @Value("${pasarela.callbacks.timeout:PT10S}") Duration timeout) {
        this.tenants = tenants;
        this.vault = vault;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public void configure() {
        from("jms:queue:" + CallbackSink.QUEUE + "?transacted=true&lazyCreateTransactionManager=false"
                + "&concurrentConsumers={{pasarela.callbacks.concurrency:2}}")
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
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(tenant.get().callbackUrl()))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("X-Pasarela-Event", exchange.getIn().getHeader(Variables.H_EVENT_TYPE, String.class))
                .header("X-Pasarela-Event-Id", exchange.getIn().getHeader(Variables.H_EVENT_KEY, String.class))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        vault.credentials(tenantId, "callback").map(c -> c.get("signingSecret"))
                .ifPresent(secret -> request.header(SIGNATURE_HEADER, sign(body, secret, Instant.now().getEpochSecond())));
        HttpResponse<Void> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new TransientException("callback of " + tenantId + " unreachable: " + e.getClass().getSimpleName(), e);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return;
        }
        String what = "callback of " + tenantId + " answered " + status;
        if (status == 408 || status == 425 || status == 429 || status >= 500) {
            throw new TransientException(what);
        }
        throw new PermanentException(what);
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
