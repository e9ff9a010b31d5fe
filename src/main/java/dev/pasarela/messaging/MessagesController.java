package dev.pasarela.messaging;

import dev.pasarela.api.ProblemException;
import dev.pasarela.api.ApiCaller;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/messages/{id}}: a message the caller's tenant sent, with its status history. */
@RestController
public class MessagesController {

    private static final List<String> FIELDS = List.of("id", "channel", "to", "status", "statusAt", "statusHistory",
            "providerMessageId", "error", "createdAt");

    private final MessageHistory messages;

    public MessagesController(MessageHistory messages) {
        this.messages = messages;
    }

    @GetMapping("/api/v1/messages/{id}")
    Map<String, Object> message(@PathVariable String id) {
        String tenantId = ApiCaller.current().tenantId();
        Map<String, Object> data = id.matches("msg_[0-9a-f]{32}") ? messages.message(tenantId, id)
                .filter(d -> "outbound".equals(d.field("direction"))).map(d -> d.data()).orElse(null) : null;
        if (data == null) {
            throw new ProblemException(404, "message-not-found", "Message not found",
                    "No message " + id + " was sent by this tenant.");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        FIELDS.forEach(f -> {
            if (data.get(f) != null) {
                out.put(f, data.get(f));
            }
        });
        return out;
    }
}
