package dev.pasarela.ops;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Bounds of dead-letter replay, so an operator's call never holds a request thread for long.
 *
 * @param maxIds         ids one {@code POST /ops/dlq/{queue}/replay} takes (more is a 400); also the
 *                       messages a replay without ids moves, and the batch size of a replay job
 * @param maxQueuedJobs  replay jobs waiting behind the running one (one runs at a time); more is a 409
 * @param keptJobs       finished jobs whose progress stays readable
 */
@Validated
@ConfigurationProperties("pasarela.replay")
public record ReplayProperties(@DefaultValue("100") @Min(1) @Max(1000) int maxIds,
                               @DefaultValue("2") @Min(0) @Max(100) int maxQueuedJobs,
                               @DefaultValue("20") @Min(1) @Max(1000) int keptJobs) {}
