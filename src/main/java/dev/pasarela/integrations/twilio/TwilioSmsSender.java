package dev.pasarela.integrations.twilio;

import dev.pasarela.security.CredentialNames;
import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.rest.api.v2010.account.MessageCreator;
import com.twilio.type.PhoneNumber;
import dev.pasarela.messaging.RecipientOptedOutException;
import dev.pasarela.messaging.RejectedByProviderException;
import dev.pasarela.pipeline.errors.TransientException;
import dev.pasarela.messaging.OutboundMessage;
import dev.pasarela.security.CredentialVault;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * SMS through Twilio's Messages API ({@code POST /2010-04-01/Accounts/{sid}/Messages.json}) with
 * the tenant's sub-account from the vault ({@code twilio}: accountSid, authToken, phoneNumber) or
 * the platform's {@code TWILIO_*}. Each message asks for status callbacks at
 * {@code <public base URL>/webhooks/twilio/status}.
 *
 * <p>twilio-java's {@code Message.creator} builds the call and reads the answer (errors as
 * {@link ApiException} with Twilio's code), over {@link TwilioTransport}, which only points it at
 * the configured base URL. Not Camel's twilio component: it holds one account's credentials per
 * endpoint, and ours differ per tenant.
 */
@Component
public class TwilioSmsSender implements CredentialNames {

    @Override
    public java.util.Set<String> credentialNames() {
        return java.util.Set.of("twilio");
    }

    /** Retried (Twilio's rate limit, queue overflow, its own faults). */
    private static final Set<Integer> TRANSIENT = Set.of(20429, 20500, 20503, 30001, 30008);
    /** About the recipient: ended with the code, no operator needed. */
    private static final Set<Integer> RECIPIENT = Set.of(21211, 21610, 21612, 21614, 21217, 30003, 30004, 30005, 30006);

    private final CredentialVault vault;
    private final dev.pasarela.tenants.TenantRepository tenants;
    private final URI statusCallback;
    private final TwilioTransport transport;

    public TwilioSmsSender(CredentialVault vault, dev.pasarela.tenants.TenantRepository tenants,
                           TwilioTransport transport,
                           TwilioWebhookProperties twilio) {
        this.vault = vault;
        this.tenants = tenants;
        this.transport = transport;
        // Twilio posts status callbacks to the public URL it also signs webhooks for
        this.statusCallback = twilio.publicBaseUrl().isBlank() ? null
                : URI.create(twilio.publicBaseUrl().trim().replaceAll("/+$", "") + "/webhooks/twilio/status");
    }

    /** The sending number: the vault entry's, else the tenant's {@code twilio} identity when it is a number. */
    private String from(String tenantId, Map<String, String> creds) {
        if (creds.get("phoneNumber") != null) {
            return creds.get("phoneNumber");
        }
        String identity = tenants.find(tenantId).map(t -> t.identities() == null ? null : t.identities().get("twilio"))
                .orElse(null);
        return identity != null && identity.startsWith("+") ? identity : null;
    }

    public boolean canSend(String tenantId) {
        Map<String, String> c = vault.credentials(tenantId, "twilio").orElse(Map.of());
        return c.get("accountSid") != null && c.get("authToken") != null && from(tenantId, c) != null;
    }

    public String senderKey(OutboundMessage m) {
        String from = from(m.tenantId(), vault.credentials(m.tenantId(), "twilio").orElse(Map.of()));
        return from == null ? "unconfigured" : from;
    }

    public String send(OutboundMessage m, SmsRequest request) {
        Map<String, String> c = vault.credentials(m.tenantId(), "twilio").orElse(Map.of());
        String sid = c.get("accountSid");
        String token = c.get("authToken");
        String from = from(m.tenantId(), c);
        if (sid == null || token == null || from == null) {
            throw new RejectedByProviderException("not-configured", "tenant " + m.tenantId() + " has no Twilio account "
                    + "(vault credential 'twilio' with accountSid, authToken and phoneNumber or a twilio identity "
                    + "that is a number, or TWILIO_*)", true);
        }
        TwilioRestClient client = new TwilioRestClient.Builder(sid, token).accountSid(sid).httpClient(transport).build();
        MessageCreator creator = Message.creator(sid, new PhoneNumber(m.to()), new PhoneNumber(from),
                request.body());
        if (request.mediaUrl() != null) {
            creator.setMediaUrl(List.of(URI.create(request.mediaUrl())));
        }
        if (statusCallback != null) {
            creator.setStatusCallback(statusCallback);
        }
        try {
            return creator.create(client).getSid();
        } catch (ApiConnectionException e) {
            throw new TransientException(e.getMessage(), e); // the transport already says "Twilio unreachable: …"
        } catch (ApiException e) {
            int code = e.getCode() == null ? -1 : e.getCode();
            int status = e.getStatusCode() == null ? -1 : e.getStatusCode();
            String what = "Twilio error " + code + " (HTTP " + status + "): " + e.getMessage();
            if (status == 429 || status >= 500 || TRANSIENT.contains(code)) {
                throw new TransientException(what);
            }
            if (code == 21610) { // the recipient replied STOP to this sender: Twilio blocks until START
                throw new RecipientOptedOutException(String.valueOf(code), what, m.to());
            }
            throw new RejectedByProviderException(String.valueOf(code), what, !RECIPIENT.contains(code));
        }
    }
}
