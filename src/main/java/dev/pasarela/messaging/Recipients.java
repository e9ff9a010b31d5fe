package dev.pasarela.messaging;

import dev.pasarela.api.ProblemException;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * What the channels' rules read about a recipient: their conversation on a channel (the last
 * message they wrote, whether they opted out) and the tenant's email suppressions.
 */
@Component
public class Recipients {

    private final DocumentStore store;
    private final MessagingProperties properties;
    private final Clock clock;

    public Recipients(DocumentStore store, MessagingProperties properties, Clock clock) {
        this.store = store;
        this.properties = properties;
        this.clock = clock;
    }

    /** The conversation of a contact on a channel: {@code lastInboundAt}, {@code optedOut}… */
    public Optional<Document> conversation(String tenantId, String channel, String contactId) {
        return store.get(ConversationSink.conversationPath(tenantId, channel, contactId));
    }

    public static boolean optedOut(Optional<Document> conversation) {
        return conversation.map(d -> Boolean.TRUE.equals(d.field("optedOut"))).orElse(false);
    }

    /** The contact wrote within the service window ({@code pasarela.messaging.service-window}). */
    public boolean insideServiceWindow(Optional<Document> conversation) {
        Object last = conversation.map(d -> d.field("lastInboundAt")).orElse(null);
        return last != null && Instant.parse(last.toString()).plus(properties.serviceWindow()).isAfter(clock.instant());
    }

    /** 422 for a contact who asked to stop receiving messages on the channel; the body does not name them (personal data). */
    public static void refuseOptedOut(Optional<Document> conversation) {
        if (optedOut(conversation)) {
            throw new ProblemException(422, "recipient-opted-out", "Recipient opted out",
                    "The recipient asked to stop receiving messages on this channel ("
                            + conversation.get().field("optOutChangedAt") + "); nothing is sent until they write again.");
        }
    }

    /** The address hard-bounced or complained: the tenant's email to it is not sent. */
    public Optional<Document> suppression(String tenantId, String address) {
        return store.get(SuppressionSink.path(tenantId, address));
    }

    /** 422 for a suppressed address; the body does not name it (personal data). */
    public void refuseSuppressed(String tenantId, String address) {
        suppression(tenantId, address).ifPresent(d -> {
            throw new ProblemException(422, "recipient-suppressed", "Recipient suppressed",
                    "The recipient's address is suppressed for this tenant (" + d.field("reason") + " at " + d.field("at")
                            + "); email to it is not sent.");
        });
    }
}
