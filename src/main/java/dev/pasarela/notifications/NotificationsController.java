package dev.pasarela.notifications;

import dev.pasarela.api.ProblemException;
import dev.pasarela.api.ApiCaller;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/notifications} and {@code /api/v1/reminders}, for the caller's tenant. */
@RestController
public class NotificationsController {

    private final Notifications notifications;
    private final Reminders reminders;

    public NotificationsController(Notifications notifications, Reminders reminders) {
        this.notifications = notifications;
        this.reminders = reminders;
    }

    /** Quota is spent per message on the channel that sends it, not here. */
    @PostMapping("/api/v1/notifications")
    ResponseEntity<Map<String, Object>> notify(@Valid @RequestBody NotificationRequest body,
                                               @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        Map<String, Object> n = notifications.create(ApiCaller.current().tenantId(), body, key, Map.of());
        return ResponseEntity.accepted().location(URI.create("/api/v1/notifications/" + n.get("id"))).body(n);
    }

    @GetMapping("/api/v1/notifications/{id}")
    Map<String, Object> notification(@PathVariable String id) {
        return notifications.find(ApiCaller.current().tenantId(), id).orElseThrow(() -> new ProblemException(404,
                "notification-not-found", "Notification not found", "No notification " + id + " for this tenant."));
    }

    @PostMapping("/api/v1/reminders")
    ResponseEntity<Map<String, Object>> schedule(@Valid @RequestBody ReminderRequest body) {
        return ResponseEntity.status(201).body(Map.of("reminders", reminders.create(ApiCaller.current().tenantId(), body)));
    }

    @GetMapping("/api/v1/reminders")
    Map<String, Object> reminders(@RequestParam(required = false) String status,
                                  @RequestParam(defaultValue = "100") int limit) {
        List<Map<String, Object>> list = reminders.list(ApiCaller.current().tenantId(), status, limit);
        return Map.of("reminders", list);
    }

    @GetMapping("/api/v1/reminders/{id}")
    Map<String, Object> reminder(@PathVariable String id) {
        return reminders.get(ApiCaller.current().tenantId(), id);
    }

    @DeleteMapping("/api/v1/reminders/{id}")
    Map<String, Object> cancel(@PathVariable String id) {
        return reminders.cancel(ApiCaller.current().tenantId(), id);
    }

    @PatchMapping("/api/v1/reminders/{id}")
    Map<String, Object> reschedule(@PathVariable String id, @Valid @RequestBody ReminderRequest.Reschedule body) {
        return reminders.reschedule(ApiCaller.current().tenantId(), id, body.sendAt());
    }
}
