package dev.pasarela.integrations.twilio;

import dev.pasarela.api.ProblemException;
import dev.pasarela.messaging.NotificationCandidate;
import dev.pasarela.messaging.NotificationChannel;
import dev.pasarela.messaging.NotificationDraft;
import dev.pasarela.messaging.OutboundMessage;
import dev.pasarela.messaging.Recipients;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * SMS (and MMS) through Twilio. Its rules: Twilio refuses a body over 1600 characters (error
 * 21617); nothing to a number that opted out (a stop word, or Twilio's own STOP handling). Twilio
 * bills per segment, 153 GSM-7 characters (67 UCS-2 ones as soon as one character is outside
 * GSM-7, an emoji or an 'á'): the segments sent are metered per tenant.
 */
@Component
public class SmsChannel implements NotificationChannel<SmsRequest> {

    static final String NAME = "sms";
    static final int MAX_CHARACTERS = 1600;
    private static final String GSM7 = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    /** GSM-7's extension table: each takes two septets. */
    private static final String GSM7_EXTENDED = "^{}\\[~]|€\f";

    private final Recipients recipients;
    private final TwilioSmsSender sender;
    private final MeterRegistry meters;

    public SmsChannel(Recipients recipients, TwilioSmsSender sender, MeterRegistry meters) {
        this.recipients = recipients;
        this.sender = sender;
        this.meters = meters;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<SmsRequest> requestType() {
        return SmsRequest.class;
    }

    /**
     * The segments a body is sent in: one of 160 GSM-7 septets (70 UCS-2 characters), else parts of
     * 153 (67), as the concatenation header takes the rest.
     */
    static int segments(String body) {
        boolean gsm7 = true;
        int septets = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (GSM7.indexOf(c) >= 0) {
                septets++;
            } else if (GSM7_EXTENDED.indexOf(c) >= 0) {
                septets += 2;
            } else {
                gsm7 = false;
                break;
            }
        }
        if (gsm7) {
            return septets <= 160 ? 1 : (septets + 152) / 153;
        }
        int units = body.length(); // UTF-16 code units, as UCS-2 counts an emoji: two
        return units <= 70 ? 1 : (units + 66) / 67;
    }

    @Override
    public SmsRequest validate(SmsRequest r) {
        String body = r.body();
        if (body == null || body.isBlank() || body.length() > MAX_CHARACTERS) {
            throw new ProblemException(400, "invalid-request", "Invalid request",
                    "body is required, at most 1600 characters (Twilio's limit).");
        }
        return r;
    }

    @Override
    public void checkAcceptable(String tenantId, String to, SmsRequest request) {
        Recipients.refuseOptedOut(recipients.conversation(tenantId, NAME, to));
    }

    @Override
    public NotificationCandidate candidate(NotificationDraft n) {
        if (n.phone() == null) {
            return NotificationCandidate.skipped("no-phone");
        }
        if (Recipients.optedOut(recipients.conversation(n.tenantId(), NAME, n.phone()))) {
            return NotificationCandidate.skipped("opted-out");
        }
        if (n.text() == null) {
            return NotificationCandidate.skipped("no-text");
        }
        if (n.text().length() > MAX_CHARACTERS) {
            return NotificationCandidate.skipped("text-too-long"); // Twilio would refuse it: the next channel
        }
        return NotificationCandidate.send(n.phone(), SmsRequest.text(n.text(), null));
    }

    @Override
    public String configurationNeeded() {
        return "a Twilio account: the vault credential 'twilio' with accountSid, authToken and phoneNumber "
                + "(or a twilio identity that is a number), or the platform's TWILIO_* variables";
    }

    @Override
    public boolean canSend(String tenantId) {
        return sender.canSend(tenantId);
    }

    @Override
    public String senderKey(OutboundMessage m) {
        return sender.senderKey(m);
    }

    @Override
    public String send(OutboundMessage m, SmsRequest request) {
        String sid = sender.send(m, request);
        meters.summary("pasarela.sms.segments", "tenant", m.tenantId()).record(segments(request.body()));
        return sid;
    }
}
