package dev.pasarela.notifications;

import dev.pasarela.api.ProblemException;
import dev.pasarela.messaging.Channels;
import dev.pasarela.messaging.OutboxResponses;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.Paths;
import dev.pasarela.tenants.Messaging;
import dev.pasarela.tenants.Tenant;
import dev.pasarela.tenants.TenantRepository;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The checks of a notification request that need the tenant: its contact, a number or address
 * to reach, a policy of channels that can carry notifications, data for every placeholder of
 * the texts. What passes becomes the stored notification's fields.
 */
@Component
public class NotificationRequests {

    private final DocumentStore store;
    private final Channels channels;
    private final NotificationContents contents;
    private final NotificationsProperties properties;

    public NotificationRequests(DocumentStore store, Channels channels, NotificationContents contents,
                                NotificationsProperties properties) {
        this.store = store;
        this.channels = channels;
        this.contents = contents;
        this.properties = properties;
    }

    /** The stored notification's kind, recipient, data, message and policy; or a 400 naming the rule. */
    Map<String, Object> validate(Tenant tenant, NotificationRequest request) {
        if (request.kind() == null || !request.kind().matches(NotificationRequest.KINDS)) {
            throw invalid("kind must be one of " + NotificationRequest.KINDS_LISTED + ".");
        }
        NotificationRequest.Recipient given = request.recipient() == null
                ? new NotificationRequest.Recipient(null, null, null) : request.recipient();
        Map<String, Object> recipient = new LinkedHashMap<>();
        if (given.contactId() != null) {
            String contactId = given.contactId();
            if (!contactId.matches("[A-Za-z0-9][A-Za-z0-9._:@+-]{0,199}")) {
                throw invalid("recipient.contactId must be 1-200 letters, digits and . _ : @ + -, starting with a "
                        + "letter or digit.");
            }
            Document contact = store.get(TenantRepository.path(tenant.id()) + "/contacts/" + Paths.segment(contactId))
                    .orElseThrow(() -> invalid("No contact " + contactId + " in the tenant's contacts."));
            recipient.put("contactId", contactId);
            copy(contact.data().get("phone"), contact.data().get("email"), recipient);
        }
        copy(given.phone(), given.email(), recipient);
        if (recipient.get("phone") != null && !OutboxResponses.E164.matcher((String) recipient.get("phone")).matches()) {
            throw invalid("recipient.phone must be an E.164 number with '+'.");
        }
        if (recipient.get("email") != null && !OutboxResponses.EMAIL.matcher((String) recipient.get("email")).matches()) {
            throw invalid("recipient.email must be one email address.");
        }
        if (recipient.get("phone") == null && recipient.get("email") == null) {
            throw invalid("recipient needs a phone, an email, or a contactId whose contact has one.");
        }
        List<String> policy = request.channels() != null ? request.channels()
                : Optional.ofNullable(NotificationContents.messaging(tenant).channelPolicy())
                        .orElse(properties.channelPolicy());
        List<String> known = channels.notificationChannels();
        if (policy.isEmpty() || !known.containsAll(policy) || policy.stream().distinct().count() != policy.size()) {
            throw invalid("channels lists each of " + known + " at most once.");
        }
        Messaging.NotificationContent content = contents.content(tenant, request.kind(), request.message());
        Set<String> missing = NotificationContents.missing(content, request.data());
        if (!missing.isEmpty()) {
            throw invalid("data lacks " + String.join(", ", missing) + " for the " + request.kind() + " texts.");
        }
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("kind", request.kind());
        n.put("recipient", recipient);
        n.put("data", request.data());
        if (request.message() != null) {
            Map<String, Object> message = new LinkedHashMap<>();
            putIfSet(message, "text", request.message().text());
            putIfSet(message, "subject", request.message().subject());
            putIfSet(message, "html", request.message().html());
            n.put("message", message);
        }
        n.put("policy", policy);
        return n;
    }

    private static void copy(Object phone, Object email, Map<String, Object> to) {
        if (phone instanceof String s && !s.isBlank()) {
            to.put("phone", s.trim());
        }
        if (email instanceof String s && !s.isBlank()) {
            to.put("email", s.trim());
        }
    }

    private static void putIfSet(Map<String, Object> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    static ProblemException invalid(String detail) {
        return new ProblemException(400, "invalid-request", "Invalid request", detail);
    }
}
