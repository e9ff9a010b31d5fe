package dev.pasarela.notifications;

import dev.pasarela.messaging.NotificationDraft;
import dev.pasarela.tenants.Messaging;
import dev.pasarela.tenants.Tenant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/** What a notification says: the request's words, else the tenant's for the kind, else the gateway's. */
@Component
public class NotificationContents {

    private final NotificationTexts texts;

    public NotificationContents(NotificationTexts texts) {
        this.texts = texts;
    }

    /** Field by field: the request's, else the tenant's for the kind, else the gateway's default. */
    Messaging.NotificationContent content(Tenant tenant, String kind, NotificationRequest.Message message) {
        Messaging.NotificationContent mine = Optional.ofNullable(messaging(tenant).notifications())
                .map(m -> m.get(kind)).orElse(null);
        Messaging.NotificationContent fallback = texts.defaults().get(kind);
        Function<Function<Messaging.NotificationContent, String>, String> pick = f -> {
            for (Messaging.NotificationContent c : new Messaging.NotificationContent[] {mine, fallback}) {
                if (c != null && f.apply(c) != null) {
                    return f.apply(c);
                }
            }
            return null;
        };
        String text = message != null && message.text() != null ? message.text() : pick.apply(c -> c.text());
        String subject = message != null && message.subject() != null ? message.subject() : pick.apply(c -> c.subject());
        String html = message != null && message.html() != null ? message.html() : pick.apply(c -> c.html());
        List<String> params = mine != null && mine.whatsappParams() != null ? mine.whatsappParams()
                : fallback != null ? fallback.whatsappParams() : null;
        return new Messaging.NotificationContent(text, subject, html, pick.apply(c -> c.emailTemplateId()),
                pick.apply(c -> c.whatsappTemplate()), pick.apply(c -> c.whatsappLanguage()), params);
    }

    /** The placeholders of the texts the data does not fill. */
    static java.util.Set<String> missing(Messaging.NotificationContent content, Map<String, Object> data) {
        java.util.Set<String> missing = new java.util.LinkedHashSet<>(NotificationTexts.missing(content.text(), data));
        missing.addAll(NotificationTexts.missing(content.subject(), data));
        missing.addAll(NotificationTexts.missing(content.html(), data));
        return missing;
    }

    /** The notification as the channels see it, its texts rendered with its data. */
    NotificationDraft draft(Tenant tenant, StoredNotification n) {
        Messaging.NotificationContent content = content(tenant, n.kind(), n.message());
        Map<String, Object> data = n.data();
        String text = NotificationTexts.render(content.text(), data, false);
        String html = content.html() != null ? NotificationTexts.render(content.html(), data, true)
                : text == null ? null : "<p>" + NotificationTexts.escape(text) + "</p>";
        return new NotificationDraft(tenant.id(), n.phone(), n.email(), text,
                NotificationTexts.render(content.subject(), data, false), html, data, content.emailTemplateId(),
                content.whatsappTemplate(), content.whatsappLanguage(), content.whatsappParams());
    }

    static Messaging messaging(Tenant tenant) {
        return tenant.messaging() == null ? new Messaging(null) : tenant.messaging();
    }
}
