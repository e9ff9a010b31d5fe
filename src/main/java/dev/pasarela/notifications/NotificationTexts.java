package dev.pasarela.notifications;

import dev.pasarela.tenants.Messaging;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The gateway's default words for each kind of notification ({@code pasarela.notifications.defaults}
 * in application.yml), used where neither the request nor the tenant says otherwise; and the
 * {@code {{key}}} rendering all of them share.
 */
@ConfigurationProperties("pasarela.notifications")
public record NotificationTexts(Map<String, Messaging.NotificationContent> defaults) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.-]+)\\s*}}");

    public NotificationTexts {
        defaults = defaults == null ? Map.of() : Map.copyOf(defaults);
    }

    /** {@code {{key}}} → the data's value. */
    public static String render(String template, Map<String, Object> data, boolean html) {
        if (template == null) {
            return null;
        }
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Object value = data.get(m.group(1));
            String text = value == null ? "" : String.valueOf(value);
            m.appendReplacement(out, Matcher.quoteReplacement(html ? escape(text) : text));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The placeholders of a text that the data does not fill. */
    public static Set<String> missing(String template, Map<String, Object> data) {
        Set<String> out = new LinkedHashSet<>();
        if (template != null) {
            Matcher m = PLACEHOLDER.matcher(template);
            while (m.find()) {
                if (data.get(m.group(1)) == null) {
                    out.add(m.group(1));
                }
            }
        }
        return out;
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
