package dev.pasarela.integrations.meta;

import dev.pasarela.api.ProblemException;
import dev.pasarela.messaging.Channel;
import dev.pasarela.messaging.OutboundMessage;
import dev.pasarela.messaging.Recipients;
import dev.pasarela.store.Document;
import java.util.Optional;
import java.util.Set;

/**
 * Messenger or Instagram through the Send API (one bean each, see {@link MetaChannels}). Meta's
 * rules: inside the standard messaging window any message; outside it only with a message tag,
 * and never promotional content; nothing to a contact who opted out. Both spend the
 * {@code social-messages} quota.
 */
public class MetaMessagingChannel implements Channel<MetaMessagingRequest> {

    /** Messenger tags allowed outside the 24 h window (no promotional content). */
    static final Set<String> TAGS = Set.of("HUMAN_AGENT", "ACCOUNT_UPDATE", "CONFIRMED_EVENT_UPDATE",
            "POST_PURCHASE_UPDATE");

    private final String name;
    private final Recipients recipients;
    private final MetaSenders senders;

    MetaMessagingChannel(String name, Recipients recipients, MetaSenders senders) {
        this.name = name;
        this.recipients = recipients;
        this.senders = senders;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String quota() {
        return "social-messages";
    }

    @Override
    public Class<MetaMessagingRequest> requestType() {
        return MetaMessagingRequest.class;
    }

    @Override
    public MetaMessagingRequest validate(MetaMessagingRequest r) {
        String type = r.type() == null || r.type().isBlank() ? "text" : r.type();
        MetaMessagingRequest.Text text = null;
        MetaMessagingRequest.Image image = null;
        switch (type) {
            case "text" -> {
                String body = r.text() == null ? null : WhatsAppChannel.blankToNull(r.text().body());
                if (body == null || body.length() > 2000) {
                    throw WhatsAppChannel.invalid("text.body is required, at most 2000 characters.");
                }
                text = new MetaMessagingRequest.Text(body);
            }
            case "image" -> {
                String link = r.image() == null ? null : WhatsAppChannel.blankToNull(r.image().link());
                if (link == null || !link.startsWith("https://")) {
                    throw WhatsAppChannel.invalid("image.link must be an https URL.");
                }
                image = new MetaMessagingRequest.Image(link);
            }
            default -> throw WhatsAppChannel.invalid("type must be text or image.");
        }
        String tag = WhatsAppChannel.blankToNull(r.tag());
        if (tag != null && !TAGS.contains(tag)) {
            throw WhatsAppChannel.invalid("tag must be one of " + TAGS + ".");
        }
        return new MetaMessagingRequest(r.to(), type, text, image, tag);
    }

    @Override
    public void checkAcceptable(String tenantId, String to, MetaMessagingRequest r) {
        Optional<Document> conversation = recipients.conversation(tenantId, name, to);
        Recipients.refuseOptedOut(conversation);
        if (r.tag() == null && !recipients.insideServiceWindow(conversation)) {
            throw new ProblemException(422, "message-tag-required", "Message tag required",
                    "More than 24 hours have passed since the recipient last wrote: Meta only delivers messages "
                            + "with a message tag (" + TAGS + ") outside the standard messaging window.");
        }
    }

    @Override
    public MetaMessagingRequest text(String body) {
        return new MetaMessagingRequest(null, "text", new MetaMessagingRequest.Text(body), null, null);
    }

    @Override
    public String configurationNeeded() {
        return "a connected page: the vault credential '" + name + "' with accessToken and the tenant's page identity";
    }

    @Override
    public boolean canSend(String tenantId) {
        return senders.canSend(name, tenantId);
    }

    @Override
    public String senderKey(OutboundMessage m) {
        return senders.senderKey(name, m.tenantId());
    }

    @Override
    public String send(OutboundMessage m, MetaMessagingRequest request) {
        return senders.send(name, m, MetaSenders.messaging(m, request));
    }
}
