package dev.pasarela.integrations.twilio;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.pipeline.ingress.InboundEvent;
import dev.pasarela.pipeline.ingress.RawRequest;
import dev.pasarela.pipeline.ingress.WebhookIds;
import dev.pasarela.pipeline.ingress.WebhookInterpreter;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Twilio's two messaging webhooks, one provider: {@code /webhooks/twilio/status} (status callbacks
 * of messages the gateway sent) and {@code /webhooks/twilio/inbound} (an SMS/MMS to a tenant's
 * number). Twilio's form carries neither which webhook it is nor a time, so the queued payload is
 * a {@link Envelope}: the webhook, the time received and every parameter. Routing keys: the
 * tenant's number ({@code To} of an inbound message, {@code From} of a status) and the AccountSid,
 * so a tenant's {@code twilio} identity may be either.
 */
@Component
public class TwilioWebhookInterpreter implements WebhookInterpreter {

    public static final String PROVIDER = "twilio";
    public static final String STATUS = "status";
    public static final String INBOUND = "inbound";
    static final Acknowledgement EMPTY_TWIML =
            new Acknowledgement("text/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>");

    /** What is queued for one Twilio webhook request. */
    public record Envelope(String webhook, String receivedAt, Map<String, String> params) {
        String param(String name) {
            String v = params.get(name);
            return v == null || v.isBlank() ? null : v;
        }
    }

    private final ObjectMapper json;
    private final Clock clock;

    public TwilioWebhookInterpreter(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    /** No reply: an empty TwiML document, which Twilio reads as "do nothing" on both webhooks. */
    @Override
    public Acknowledgement acknowledgement() {
        return EMPTY_TWIML;
    }

    @Override
    public List<InboundEvent> interpret(RawRequest request) {
        String path = URI.create(request.url()).getPath();
        String webhook = path.endsWith("/" + STATUS) ? STATUS : path.endsWith("/" + INBOUND) ? INBOUND : null;
        if (webhook == null) {
            throw new IllegalStateException("no Twilio webhook at " + path);
        }
        Map<String, String> params;
        try {
            params = TwilioForm.single(TwilioForm.parse(request.body()));
        } catch (IllegalArgumentException e) {
            throw WebhookInterpreter.invalidPayload("The body is not a form Twilio sends.");
        }
        return List.of(event(new Envelope(webhook, clock.instant().toString(), params)));
    }

    /** Reads a queued {@link Envelope} (a parked event replayed). */
    @Override
    public List<InboundEvent> interpret(byte[] body) {
        Envelope envelope;
        try {
            envelope = json.readValue(body, Envelope.class);
        } catch (IOException e) {
            throw WebhookInterpreter.invalidPayload("Not a queued Twilio webhook.");
        }
        if (envelope.webhook() == null || envelope.params() == null || envelope.receivedAt() == null) {
            throw WebhookInterpreter.invalidPayload("Not a queued Twilio webhook.");
        }
        return List.of(event(envelope));
    }

    private InboundEvent event(Envelope e) {
        String sid = WebhookIds.check("MessageSid",
                e.param("MessageSid") != null ? e.param("MessageSid") : e.param("SmsSid"));
        if (sid == null) {
            throw WebhookInterpreter.invalidPayload("The webhook has no MessageSid.");
        }
        // the numbers become routing keys and store paths (an inbound sender is a contact id)
        WebhookIds.check("From", e.param("From"));
        WebhookIds.check("To", e.param("To"));
        WebhookIds.check("AccountSid", e.param("AccountSid"));
        Set<String> routing = new LinkedHashSet<>();
        String number = e.param(STATUS.equals(e.webhook()) ? "From" : "To");
        if (number != null) {
            routing.add(PROVIDER + ":" + number);
        }
        if (e.param("AccountSid") != null) {
            routing.add(PROVIDER + ":" + e.param("AccountSid"));
        }
        String key;
        String type;
        if (STATUS.equals(e.webhook())) {
            String status = e.param("MessageStatus") != null ? e.param("MessageStatus") : e.param("SmsStatus");
            if (status == null) {
                throw WebhookInterpreter.invalidPayload("The status callback has no MessageStatus.");
            }
            WebhookIds.check("MessageStatus", status);
            key = PROVIDER + ":status:" + sid + ":" + status;
            type = "twilio.status";
        } else {
            key = PROVIDER + ":msg:" + sid;
            type = "twilio.message";
        }
        byte[] payload;
        try {
            payload = json.writeValueAsBytes(e);
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
        return new InboundEvent(key, type, true, new ArrayList<>(routing), null, payload);
    }
}
