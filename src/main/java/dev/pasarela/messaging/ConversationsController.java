package dev.pasarela.messaging;

import dev.pasarela.api.ApiCaller;
import dev.pasarela.api.ProblemException;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.Query;
import dev.pasarela.tenants.TenantRepository;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the gateway holds of the caller's conversations: {@code GET /api/v1/conversations} (newest
 * first by last message, filtered by {@code channel} and {@code contact}) and
 * {@code GET /api/v1/conversations/{id}/messages} (inbound and outbound, newest first, each outbound
 * message with its status history). Pages: {@code limit} and the {@code nextPageToken} of the
 * previous page. The store's queries have equality filters, one order and a limit, no cursor, so a
 * page token holds how many items came before it, and a page reads at most {@link #MAX_DEPTH}
 * items deep: a filter reaches further back.
 */
@RestController
public class ConversationsController {

    static final int MAX_DEPTH = 2000;
    private static final Pattern CONVERSATION_ID = Pattern.compile("[a-z][a-z0-9-]{0,30}:[^/]{1,512}");
    private static final List<String> CONVERSATION_FIELDS = List.of("channel", "contactId", "contactName",
            "lastMessageAt", "lastInboundAt", "optedOut");
    private static final List<String> INBOUND_FIELDS = List.of("id", "direction", "channel", "from", "kind", "content",
            "replyTo", "sentAt", "receivedAt");
    private static final List<String> OUTBOUND_FIELDS = List.of("id", "direction", "channel", "to", "request", "origin",
            "status", "statusAt", "statusHistory", "providerMessageId", "error", "createdAt");

    /**
     * Newest first by time, not by text: "…:05Z" and "…:05.5Z" (Instant.toString) sort the wrong way
     * round as text. New rows are written fixed-width ({@link ConversationSink#sortable}), so the
     * store's order agrees.
     */
    private static final java.util.function.Function<String, Comparator<Map<String, Object>>> NEWEST_FIRST =
            field -> Comparator.comparing((Map<String, Object> r) -> instant(r.get(field)),
                    Comparator.nullsFirst(Comparator.naturalOrder())).reversed();

    private final DocumentStore store;

    public ConversationsController(DocumentStore store) {
        this.store = store;
    }

    /** One page and the token of the next one (absent on the last page). */
    public record Page(List<Map<String, Object>> items, String nextPageToken) {}

    @GetMapping("/api/v1/conversations")
    Map<String, Object> conversations(@RequestParam(required = false) String channel,
                                      @RequestParam(required = false) String contact,
                                      @RequestParam(defaultValue = "20") int limit,
                                      @RequestParam(required = false) String pageToken) {
        String tenantId = ApiCaller.current().tenantId();
        int size = size(limit);
        int offset = offset(pageToken);
        Query q = Query.all();
        if (channel != null && !channel.isBlank()) {
            q = q.whereEqualTo("channel", channel);
        }
        if (contact != null && !contact.isBlank()) {
            q = q.whereEqualTo("contactId", contact);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Document d : store.query(TenantRepository.path(tenantId) + "/conversations",
                q.orderBy("lastMessageAt", true).limit(offset + size + 1))) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", d.id());
            copy(d.data(), row, CONVERSATION_FIELDS);
            rows.add(row);
        }
        rows.sort(NEWEST_FIRST.apply("lastMessageAt")); // rows the store wrote before its times were fixed-width
        Page page = page(rows, offset, size);
        return body("conversations", page);
    }

    @GetMapping("/api/v1/conversations/{id}/messages")
    Map<String, Object> messages(@PathVariable String id, @RequestParam(defaultValue = "20") int limit,
                                 @RequestParam(required = false) String pageToken) {
        String tenantId = ApiCaller.current().tenantId();
        int size = size(limit);
        int offset = offset(pageToken);
        String conversation = TenantRepository.path(tenantId) + "/conversations/" + id;
        if (!CONVERSATION_ID.matcher(id).matches() || id.contains("..") || store.get(conversation).isEmpty()) {
            throw new ProblemException(404, "conversation-not-found", "Conversation not found",
                    "This tenant has no conversation " + id + ".");
        }
        int depth = offset + size + 1;
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Document d : store.query(conversation + "/messages", Query.all().orderBy("sentAt", true).limit(depth))) {
            Map<String, Object> row = new LinkedHashMap<>();
            copy(d.data(), row, INBOUND_FIELDS);
            row.putIfAbsent("direction", "inbound");
            row.put("at", d.data().get("sentAt"));
            rows.add(row);
        }
        for (Document d : store.query(TenantRepository.path(tenantId) + "/messages",
                Query.all().whereEqualTo("conversationId", id).orderBy("createdAt", true).limit(depth))) {
            Map<String, Object> row = new LinkedHashMap<>();
            copy(d.data(), row, OUTBOUND_FIELDS);
            row.put("at", d.data().get("createdAt"));
            rows.add(row);
        }
        rows.sort(NEWEST_FIRST.apply("at"));
        return body("messages", page(rows, offset, size));
    }

    private static Map<String, Object> body(String name, Page page) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(name, page.items());
        if (page.nextPageToken() != null) {
            out.put("nextPageToken", page.nextPageToken());
        }
        return out;
    }

    private static Page page(List<Map<String, Object>> rows, int offset, int size) {
        List<Map<String, Object>> items = rows.subList(Math.min(offset, rows.size()), Math.min(offset + size, rows.size()));
        boolean more = rows.size() > offset + size && offset + size < MAX_DEPTH;
        return new Page(new ArrayList<>(items), more ? token(offset + size) : null);
    }

    private static void copy(Map<String, Object> from, Map<String, Object> to, List<String> fields) {
        fields.forEach(f -> {
            if (from.get(f) != null) {
                to.put(f, from.get(f));
            }
        });
    }

    private static java.time.Instant instant(Object at) {
        try {
            return at == null ? null : java.time.Instant.parse(at.toString());
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private static int size(int limit) {
        if (limit < 1 || limit > 100) {
            throw invalid("limit must be between 1 and 100.");
        }
        return limit;
    }

    static String token(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("o:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int offset(String pageToken) {
        if (pageToken == null || pageToken.isBlank()) {
            return 0;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
            int offset = Integer.parseInt(text.substring(2));
            if (!text.startsWith("o:") || offset < 0 || offset >= MAX_DEPTH) {
                throw invalid("pageToken is not one this endpoint gave.");
            }
            return offset;
        } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
            throw invalid("pageToken is not one this endpoint gave.");
        }
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(400, "invalid-request", "Invalid request", detail);
    }
}
