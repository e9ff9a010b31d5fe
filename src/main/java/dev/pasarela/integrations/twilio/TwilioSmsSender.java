package dev.pasarela.integrations.twilio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.pipeline.deliver.ConversationSink;
import dev.pasarela.pipeline.errors.RejectedByProviderException;
import dev.pasarela.pipeline.errors.TransientException;
import dev.pasarela.pipeline.outbound.OutboundMessage;
import dev.pasarela.pipeline.outbound.OutboundSender;
import dev.pasarela.security.CredentialVault;
import dev.pasarela.store.DocumentStore;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * SMS through Twilio's Messages API ({@code POST /2010-04-01/Accounts/{sid}/Messages.json}) with
 * the tenant's sub-account from the vault ({@code twilio}: accountSid, authToken, phoneNumber) or
 * the platform's {@code TWILIO_*}. Each message asks for status callbacks at
 * {@code <public base URL>/webhooks/twilio/status}.
 *
 * <p>Why not twilio-java's REST client or Camel's twilio component: the client's host is fixed
 * to Twilio's domains (region and edge only), so a stand-in cannot take its place; the component
 * holds one account's credentials per endpoint; and the client's HTTP and XML dependencies would
 * change the converters Spring MVC answers with (we keep only its RequestValidator). The API is
 * one form POST with basic auth.
 */
@Component
public class TwilioSmsSender implements OutboundSender {

    /** Retried (Twilio's rate limit, queue overflow, its own faults). */
    private static final Set<Integer> TRANSIENT = Set.of(20429, 20500, 20503, 30001, 30008);
    /** About the recipient: ended with the code, no operator needed. */
    private static final Set<Integer> RECIPIENT = Set.of(21211, 21610, 21612, 21614, 21217, 30003, 30004, 30005, 30006);

    private final CredentialVault vault;
    private final DocumentStore store;
    private final String apiBase;
    private final String statusCallback;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    public TwilioSmsSender(CredentialVault vault, DocumentStore store,
                           @Value("${pasarela.twilio.api-base:https://api.twilio.com}") String apiBase,
                           @Value("${pasarela.twilio.public-base-url:}") String publicBaseUrl) {
        this.vault = vault;
        this.store = store;
        this.apiBase = apiBase.replaceAll("/+$", "");
        this.statusCallback = publicBaseUrl.isBlank() ? null : publicBaseUrl.replaceAll("/+$", "") + "/webhooks/twilio/status";
    }

    @Override
    public String channel() {
        return "sms";
    }

    @Override
    public boolean canSend(String tenantId) {
        Map<String, String> c = vault.credentials(tenantId, "twilio").orElse(Map.of());
        return c.get("accountSid") != null && c.get("authToken") != null && c.get("phoneNumber") != null;
    }

    @Override
    public String senderKey(OutboundMessage m) {
        return vault.credentials(m.tenantId(), "twilio").map(c -> c.get("phoneNumber")).orElse("unconfigured");
    }

    @Override
    @SuppressWarnings("unchecked")
    public String send(OutboundMessage m) {
        Map<String, String> c = vault.credentials(m.tenantId(), "twilio").orElse(Map.of());
        String sid = c.get("accountSid");
        String token = c.get("authToken");
        String from = c.get("phoneNumber");
        if (sid == null || token == null || from == null) {
            throw new RejectedByProviderException("not-configured", "tenant " + m.tenantId() + " has no Twilio account "
                    + "(vault credential 'twilio' with accountSid, authToken, phoneNumber, or TWILIO_*)", true);
        }
        List<String[]> form = new ArrayList<>();
        form.add(new String[] {"To", m.to()});
        form.add(new String[] {"From", from});
        form.add(new String[] {"Body", (String) ((Map<String, Object>) m.request().get("text")).get("body")});
        if (m.request().get("mediaUrl") instanceof String media) {
            form.add(new String[] {"MediaUrl", media});
        }
        if (statusCallback != null) {
            form.add(new String[] {"StatusCallback", statusCallback});
        }
        String body = form.stream().map(p -> URLEncoder.encode(p[0], StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(p[1], StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(apiBase + "/2010-04-01/Accounts/"
                        + URLEncoder.encode(sid, StandardCharsets.UTF_8) + "/Messages.json"))
                .timeout(Duration.ofSeconds(15))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((sid + ":" + token)
                        .getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TransientException("Twilio unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientException("interrupted while calling Twilio");
        }
        JsonNode answer;
        try {
            answer = json.readTree(response.body().isEmpty() ? "{}" : response.body());
        } catch (IOException e) {
            answer = json.createObjectNode();
        }
        if (response.statusCode() / 100 == 2 && answer.hasNonNull("sid")) {
            return answer.path("sid").asText();
        }
        int code = answer.path("code").asInt(-1);
        String what = "Twilio error " + code + " (HTTP " + response.statusCode() + "): " + answer.path("message").asText("");
        if (response.statusCode() == 429 || response.statusCode() >= 500 || TRANSIENT.contains(code)) {
            throw new TransientException(what);
        }
        if (code == 21610) { // the recipient replied STOP to this sender: mirror Twilio's block
            store.merge(ConversationSink.conversationPath(m.tenantId(), "sms", m.to()), Map.of("channel", "sms",
                    "contactId", m.to(), "optedOut", true, "optOutChangedAt", Instant.now().toString()));
        }
        throw new RejectedByProviderException(String.valueOf(code), what, !RECIPIENT.contains(code));
    }
}
