package dev.pasarela.notifications;

import java.util.List;
import java.util.Map;

/** The fields of a stored notification ({@code tenants/{t}/notifications/{id}}) that its dispatch reads. */
record StoredNotification(String kind, String phone, String email, Map<String, Object> data,
                          NotificationRequest.Message message, List<String> policy) {

    @SuppressWarnings("unchecked")
    static StoredNotification of(Map<String, Object> n) {
        Map<String, Object> recipient = n.get("recipient") instanceof Map<?, ?> r ? (Map<String, Object>) r : Map.of();
        Map<String, Object> data = n.get("data") instanceof Map<?, ?> d ? (Map<String, Object>) d : Map.of();
        NotificationRequest.Message message = n.get("message") instanceof Map<?, ?> m
                ? new NotificationRequest.Message(string(m.get("text")), string(m.get("subject")), string(m.get("html")))
                : null;
        List<String> policy = n.get("policy") instanceof List<?> p ? (List<String>) p : List.of();
        return new StoredNotification(string(n.get("kind")), string(recipient.get("phone")),
                string(recipient.get("email")), data, message, policy);
    }

    private static String string(Object value) {
        return value instanceof String s ? s : null;
    }
}
