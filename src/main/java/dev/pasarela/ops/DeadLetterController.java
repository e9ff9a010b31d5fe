package dev.pasarela.ops;

import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /ops/dlq}: dead-letter and parking queues, their messages, and replay. */
@RestController
@RequestMapping("/ops/dlq")
public class DeadLetterController {

    /** Body of a replay: the message ids to replay; none (or no body) replays the whole queue. */
    public record ReplayRequest(List<String> ids) {}

    private final DeadLetterService deadLetters;

    public DeadLetterController(DeadLetterService deadLetters) {
        this.deadLetters = deadLetters;
    }

    @GetMapping
    List<DeadLetterService.QueueSummary> queues() {
        return deadLetters.queues();
    }

    @GetMapping("/{queue}")
    List<DeadLetterService.DeadLetter> messages(@PathVariable String queue,
                                                @RequestParam(defaultValue = "100") int limit) {
        return deadLetters.messages(queue, Math.max(1, Math.min(limit, 1000)));
    }

    @PostMapping("/{queue}/replay")
    DeadLetterService.ReplayResult replay(@PathVariable String queue, @RequestBody(required = false) ReplayRequest body,
                               @RequestParam(name = "id", required = false) List<String> ids) {
        List<String> selected = ids != null ? ids : body != null && body.ids() != null ? body.ids() : List.of();
        return deadLetters.replay(queue, selected);
    }
}
