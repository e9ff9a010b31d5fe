package dev.pasarela.ops;

import dev.pasarela.api.ProblemException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import java.net.URI;
import java.util.Iterator;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /ops/dlq}: dead-letter and parking queues, their messages, replay by ids and replay jobs by filter. */
@RestController
@RequestMapping("/ops/dlq")
public class DeadLetterController {

    /** Body of a replay: the message ids to replay; none (or no body) replays the oldest messages of the queue. */
    public record ReplayRequest(List<String> ids) {}

    private static final List<String> FILTER_FIELDS = List.of("queue", "tenantId", "from", "to", "cause");

    private final DeadLetterService deadLetters;
    private final ReplayJobs jobs;
    private final ObjectMapper json;

    public DeadLetterController(DeadLetterService deadLetters, ReplayJobs jobs, ObjectMapper json) {
        this.deadLetters = deadLetters;
        this.jobs = jobs;
        this.json = json;
    }

    @GetMapping
    @Operation(summary = "Dead-letter and parking queues with their message counts")
    List<DeadLetterService.QueueSummary> queues() {
        return deadLetters.queues();
    }

    @GetMapping("/{queue}")
    @Operation(summary = "The messages of a dead-letter or parking queue, oldest first (limit 1 to 1000)")
    List<DeadLetterService.DeadLetter> messages(@PathVariable String queue,
                                                @RequestParam(defaultValue = "100") int limit) {
        return deadLetters.messages(queue, Math.max(1, Math.min(limit, 1000)));
    }

    @PostMapping("/{queue}/replay")
    @Operation(summary = "Replay messages by id (at most pasarela.replay.max-ids, default 100)",
            description = "Moves each message back to the queue it came from, each in one JMS transaction. "
                    + "More ids than the limit is a 400 too-many-ids; ids not on the queue are answered at once "
                    + "in notFound, messages that do not say where they came from in skipped, messages past what "
                    + "the broker has read back from its pages in notReached (replaying the queue from its head "
                    + "reaches them). Without ids, the "
                    + "oldest max-ids messages are replayed and more=true says some are left: replay a whole "
                    + "queue, or by tenant, time or cause, with POST /ops/dlq/replays.")
    DeadLetterService.ReplayResult replay(@PathVariable String queue, @RequestBody(required = false) ReplayRequest body,
                               @RequestParam(name = "id", required = false) List<String> ids) {
        List<String> selected = ids != null ? ids : body != null && body.ids() != null ? body.ids() : List.of();
        return deadLetters.replay(queue, selected);
    }

    @PostMapping("/replays")
    @Operation(summary = "Start a replay job by filter: queue (required), tenantId, from/to (failure time), cause",
            description = "Answers 202 with Location /ops/dlq/replays/{id}. The job replays every message of the queue "
                    + "matching all given criteria when it starts (cause: a substring of the failure cause, such as an "
                    + "exception type, ignoring case; from inclusive, to exclusive, on the last failure time), in "
                    + "batches, each message in one JMS transaction. One job runs at a time and "
                    + "pasarela.replay.max-queued-jobs (default 2) may wait; more is a 409 replay-busy. Jobs live in "
                    + "memory: a restart stops them, and running the filter again replays what is left.")
    ResponseEntity<ReplayJobs.Progress> startJob(@io.swagger.v3.oas.annotations.parameters.RequestBody(
            content = @Content(schema = @Schema(implementation = DeadLetterService.ReplayFilter.class)))
                                                 @RequestBody ObjectNode body) {
        // read by hand: a misspelt criterion ("tenant") ignored would widen the replay to the whole queue
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FILTER_FIELDS.contains(name)) {
                throw new ProblemException(400, "invalid-replay-filter", "Invalid replay filter",
                        "Unknown criterion " + (name.matches("[A-Za-z0-9_-]{1,40}") ? name : "(" + name.length() + " characters)")
                                + "; a filter has " + FILTER_FIELDS + ".");
            }
        }
        DeadLetterService.ReplayFilter filter;
        try {
            filter = json.treeToValue(body, DeadLetterService.ReplayFilter.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new ProblemException(400, "invalid-replay-filter", "Invalid replay filter",
                    "queue, tenantId and cause are strings; from and to are ISO-8601 instants (2026-12-01T10:00:00Z).");
        }
        ReplayJobs.Progress job = jobs.start(filter);
        return ResponseEntity.accepted().location(URI.create("/ops/dlq/replays/" + job.id())).body(job);
    }

    @GetMapping("/replays")
    @Operation(summary = "Replay jobs, newest first (running, waiting and recently finished)")
    List<ReplayJobs.Progress> jobs() {
        return jobs.list();
    }

    @GetMapping("/replays/{id}")
    @Operation(summary = "A replay job's progress: state, matched, replayed, notFound, skipped, notReached")
    ReplayJobs.Progress job(@PathVariable String id) {
        return jobs.get(id).orElseThrow(() -> new ProblemException(404, "replay-not-found", "Replay job not found",
                "No replay job with this id; jobs are forgotten on restart and after pasarela.replay.kept-jobs newer ones."));
    }
}
