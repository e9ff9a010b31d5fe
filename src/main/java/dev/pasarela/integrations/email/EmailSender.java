package dev.pasarela.integrations.email;

import dev.pasarela.security.CredentialNames;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.messaging.RejectedByProviderException;
import dev.pasarela.http.ProviderHttp;
import dev.pasarela.pipeline.errors.TransientException;
import dev.pasarela.messaging.OutboundMessage;
import dev.pasarela.security.CredentialVault;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * Email through SendGrid or Resend, whichever the tenant uses (its key in the vault, else the
 * platform's {@code SENDGRID_API_KEY} / {@code RESEND_API_KEY}; SendGrid first when both, or
 * {@code pasarela.email.primary}), with the other as failover while the first is down: a timeout,
 * a 5xx, a 429, or its circuit breaker open. A permanent rejection (bad address, unverified
 * sender, bad key) never fails over: the other provider would refuse it too, or send what the
 * first refused. The message carries the tenant and our id (SendGrid custom args, Resend tags)
 * so the event webhooks find both.
 *
 * <p>Both APIs are one JSON POST; neither SDK lets a stand-in take the host's place as simply,
 * and the Resend SDK is not on our repository.
 */
@Component
public class EmailSender implements CredentialNames, AutoCloseable {

    @Override
    public java.util.Set<String> credentialNames() {
        return java.util.Set.of("sendgrid", "resend");
    }

    private static final Logger log = LoggerFactory.getLogger(EmailSender.class);
    private static final Pattern NAMED = Pattern.compile("\\s*(.*?)\\s*<([^>]+)>\\s*");

    private final CredentialVault vault;
    private final MeterRegistry meters;
    private final String sendgridBase;
    private final String resendBase;
    private final String primary;
    private final String defaultFrom;
    /** Per provider account (API key): one tenant's rate limit does not open the breaker for the others. */
    private final Map<String, CircuitBreaker> breakers = new java.util.concurrent.ConcurrentHashMap<>();
    private final CircuitBreakerConfig breakerConfig;
    private final RestClient http;
    private final ClientHttpRequestFactory connections;
    private final ObjectMapper json;
    private final Clock clock;

    public EmailSender(CredentialVault vault, MeterRegistry meters, EmailProperties properties, RestClient.Builder http,
                       ObjectMapper json, Clock clock) {
        EmailProperties.Email email = properties.email();
        this.vault = vault;
        this.meters = meters;
        this.sendgridBase = properties.sendgrid().apiBase().replaceAll("/+$", "");
        this.resendBase = properties.resend().apiBase().replaceAll("/+$", "");
        this.primary = email.primary();
        this.defaultFrom = email.from();
        this.json = json;
        this.clock = clock;
        this.connections = ProviderHttp.requestFactory(email.connectTimeout(), email.timeout());
        this.http = http.requestFactory(connections).build();
        Duration openFor = email.breaker().openFor();
        this.breakerConfig = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED).slidingWindowSize(10)
                .minimumNumberOfCalls(5).failureRateThreshold(50).waitDurationInOpenState(openFor)
                .permittedNumberOfCallsInHalfOpenState(2)
                .recordExceptions(TransientException.class) // a rejection says the provider is up
                .build();
    }

    /** Its connections close with the application context. */
    @Override
    public void close() throws Exception {
        ProviderHttp.close(connections);
    }

    public boolean canSend(String tenantId) {
        return !providers(tenantId).isEmpty();
    }

    public String senderKey(OutboundMessage m) {
        return m.tenantId(); // the providers limit per account; the tenant is the closest key we have
    }

    /** The providers to try, in order, each with its key. */
    List<Map.Entry<String, Map<String, String>>> providers(String tenantId) {
        List<Map.Entry<String, Map<String, String>>> out = new ArrayList<>();
        Optional<Map<String, String>> sendgrid = vault.credentials(tenantId, "sendgrid").filter(c -> c.get("apiKey") != null);
        Optional<Map<String, String>> resend = vault.credentials(tenantId, "resend").filter(c -> c.get("apiKey") != null);
        List<String> order = "resend".equalsIgnoreCase(primary) ? List.of("resend", "sendgrid") : List.of("sendgrid", "resend");
        for (String p : order) {
            (p.equals("sendgrid") ? sendgrid : resend).ifPresent(c -> out.add(Map.entry(p, c)));
        }
        return out;
    }

    /** Sends the queued message ({@link EmailRequest}'s JSON), failing over between the tenant's providers. */
    public String send(OutboundMessage m) {
        List<Map.Entry<String, Map<String, String>>> providers = providers(m.tenantId());
        if (providers.isEmpty()) {
            throw new RejectedByProviderException("not-configured", "tenant " + m.tenantId() + " has no SendGrid or "
                    + "Resend key (vault credential 'sendgrid' or 'resend' with apiKey, or SENDGRID_API_KEY / RESEND_API_KEY)",
                    true);
        }
        List<String> down = new ArrayList<>();
        List<Duration> waits = new ArrayList<>(); // each down provider's Retry-After, when every one said
        for (Map.Entry<String, Map<String, String>> p : providers) {
            String provider = p.getKey();
            if (!usable(provider, m)) {
                continue;
            }
            try {
                String id = breaker(provider, p.getValue().get("apiKey")).executeCallable(() -> provider.equals("sendgrid")
                        ? sendgrid(m, p.getValue()) : resend(m, p.getValue()));
                if (!down.isEmpty()) {
                    log.warn("Email {} of {} sent by {} after {} failed", m.id(), m.tenantId(), provider, down);
                    meters.counter("pasarela.email.failovers", "tenant", m.tenantId(), "to", provider).increment();
                }
                return id;
            } catch (CallNotPermittedException open) {
                down.add(provider + ": circuit open");
            } catch (TransientException e) {
                down.add(provider + ": " + e.getMessage());
                e.retryAfter().ifPresent(waits::add);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        if (down.isEmpty()) {
            throw new RejectedByProviderException("no-template", "message " + m.id() + " names a template of a provider "
                    + "the tenant does not use, and has no subject and html to send otherwise", true);
        }
        // the soonest a provider said it takes mail again, when each one that was tried said so
        Duration retryAfter = waits.size() == down.size() ? waits.stream().min(Duration::compareTo).orElse(null) : null;
        throw new TransientException("no email provider took message " + m.id() + ": " + String.join("; ", down), null,
                retryAfter);
    }

    private CircuitBreaker breaker(String provider, String apiKey) {
        String account = provider + ":" + Integer.toHexString(apiKey.hashCode()); // a key's hash, never the key
        return breakers.computeIfAbsent(account, a -> CircuitBreaker.of("email-" + a, breakerConfig));
    }

    /** A template id is one provider's; without a subject and html the other cannot send it. */
    private boolean usable(String provider, OutboundMessage m) {
        Map<String, Object> r = m.request();
        return r.get("template") == null || template(provider, r) != null
                || (r.get("subject") != null && r.get("html") != null);
    }

    /**
     * The request's template id for one provider: {@code {"sendgrid": …, "resend": …}}, or one id,
     * SendGrid's when it is a dynamic template ({@code d-…}), else Resend's.
     */
    static Object template(String provider, Map<String, Object> request) {
        Object t = request.get("template");
        if (t instanceof Map<?, ?> ids) {
            return ids.get(provider);
        }
        return t instanceof String id && id.startsWith("d-") == provider.equals("sendgrid") ? id : null;
    }

    @SuppressWarnings("unchecked")
    private String sendgrid(OutboundMessage m, Map<String, String> creds) {
        Map<String, Object> r = m.request();
        Map<String, Object> personalization = new LinkedHashMap<>();
        personalization.put("to", List.of(Map.of("email", m.to())));
        personalization.put("custom_args", Map.of("tenant_id", m.tenantId(), "message_id", m.id()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("personalizations", List.of(personalization));
        body.put("from", address(from(creds)));
        Object template = template("sendgrid", r);
        if (template != null) {
            body.put("template_id", template);
            personalization.put("dynamic_template_data", r.getOrDefault("data", Map.of()));
        } else {
            body.put("subject", r.get("subject"));
            List<Map<String, String>> content = new ArrayList<>();
            if (r.get("text") != null) {
                content.add(Map.of("type", "text/plain", "value", (String) r.get("text")));
            }
            content.add(Map.of("type", "text/html", "value", (String) r.get("html")));
            body.put("content", content);
        }
        ResponseEntity<String> response = post(sendgridBase + "/v3/mail/send", creds.get("apiKey"), body, null, "SendGrid");
        int status = response.getStatusCode().value();
        if (response.getStatusCode().is2xxSuccessful()) {
            // accepted all the same: failing over or retrying would send it twice
            String id = response.getHeaders().getFirst("X-Message-Id");
            if (id == null) {
                log.warn("SendGrid accepted message {} without an X-Message-Id: its events cannot be linked", m.id());
                return m.id();
            }
            return id;
        }
        JsonNode errors = read(response.getBody()).path("errors");
        // only SendGrid's own error words: any other body (a proxy's page) may echo what we sent
        String detail = "SendGrid HTTP " + status + (errors.isArray() && !errors.isEmpty()
                ? ": " + errors.get(0).path("message").asText() + field(errors.get(0)) : "");
        throw failure(status, detail, status == 400, retryAfter(response));
    }

    @SuppressWarnings("unchecked")
    private String resend(OutboundMessage m, Map<String, String> creds) {
        Map<String, Object> r = m.request();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", from(creds));
        body.put("to", List.of(m.to()));
        Object template = template("resend", r);
        if (template != null) {
            body.put("template", Map.of("id", template, "variables", r.getOrDefault("data", Map.of())));
        } else {
            body.put("subject", r.get("subject"));
            body.put("html", r.get("html"));
            if (r.get("text") != null) {
                body.put("text", r.get("text"));
            }
        }
        body.put("tags", List.of(Map.of("name", "tenant_id", "value", m.tenantId()),
                Map.of("name", "message_id", "value", m.id())));
        // Resend keeps an idempotency key 24 h: a retry of this message is not a second email
        ResponseEntity<String> response = post(resendBase + "/emails", creds.get("apiKey"), body, m.id(), "Resend");
        int status = response.getStatusCode().value();
        JsonNode answer = read(response.getBody());
        if (response.getStatusCode().is2xxSuccessful() && answer.hasNonNull("id")) {
            return answer.path("id").asText();
        }
        String name = answer.path("name").asText("");
        String detail = "Resend HTTP " + status + " " + name + ": " + answer.path("message").asText("");
        if (name.endsWith("_quota_exceeded")) { // not "down": the account's quota is spent, an operator's call
            throw new RejectedByProviderException(name, detail, true);
        }
        throw failure(status, detail, status == 422 || status == 400, retryAfter(response));
    }

    /** Every answer, whatever its status, for the provider's own reading of its error body. */
    private ResponseEntity<String> post(String url, String apiKey, Object body, String idempotencyKey, String provider) {
        try {
            return http.post().uri(URI.create(url)).contentType(MediaType.APPLICATION_JSON)
                    .headers(h -> {
                        h.setBearerAuth(apiKey);
                        if (idempotencyKey != null) {
                            h.set("Idempotency-Key", idempotencyKey);
                        }
                    })
                    .body(body)
                    .exchange((request, response) -> {
                        try (InputStream in = response.getBody()) {
                            return ResponseEntity.status(response.getStatusCode()).headers(response.getHeaders())
                                    .body(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                        }
                    });
        } catch (ResourceAccessException e) {
            throw new TransientException(provider + " unreachable: " + e.getMostSpecificCause().getClass().getSimpleName());
        }
    }

    private Duration retryAfter(ResponseEntity<?> response) {
        return ProviderHttp.retryAfter(response.getHeaders(), clock).orElse(null);
    }

    /** 429 and 5xx: the provider is down for us now. 400/422: this message. 401/403/413…: our setup. */
    private static RuntimeException failure(int status, String detail, boolean aboutTheMessage, Duration retryAfter) {
        if (status == 429 || status >= 500) {
            return new TransientException(detail, null, retryAfter);
        }
        return new RejectedByProviderException(String.valueOf(status), detail, !aboutTheMessage);
    }

    private String from(Map<String, String> creds) {
        String from = creds.getOrDefault("from", defaultFrom);
        if (from == null || from.isBlank()) {
            throw new RejectedByProviderException("not-configured", "no sender address: set the vault field 'from' "
                    + "or EMAIL_FROM", true);
        }
        return from;
    }

    private static Map<String, String> address(String from) {
        Matcher named = NAMED.matcher(from);
        return named.matches() ? Map.of("email", named.group(2), "name", named.group(1)) : Map.of("email", from.trim());
    }

    private static String field(JsonNode error) {
        return error.hasNonNull("field") ? " (" + error.path("field").asText() + ")" : "";
    }

    private JsonNode read(String body) {
        try {
            return json.readTree(body == null || body.isEmpty() ? "{}" : body);
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }
}
