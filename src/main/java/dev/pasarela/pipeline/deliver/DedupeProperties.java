package dev.pasarela.pipeline.deliver;

import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Webhook event ids are remembered for {@code retention} (well past the 3 days Stripe and the 7
 * days Meta keep retrying) and purged every {@code purgeInterval}. An id is inserted
 * {@code writeDelay} after its event was queued, together with the others of that moment (one
 * commit for all); it is seen as known from the start. A {@code kill -9} forgets the ids not yet
 * committed (normally those of that moment; more while the database is behind), of events already
 * acknowledged: a provider's later copy would be queued again and dropped by the sinks. {@code 0}
 * inserts at once, still behind the request.
 */
@ConfigurationProperties("pasarela.dedupe")
@Validated
public record DedupeProperties(@DefaultValue("P30D") Duration retention, @DefaultValue("PT6H") Duration purgeInterval,
                               @DefaultValue("50ms") @DurationMax(seconds = 1) @DurationMin(nanos = 0) Duration writeDelay) {}
