package dev.pasarela.integrations.meta.publishing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.pipeline.Variables;
import dev.pasarela.pipeline.errors.ErrorHandling;
import dev.pasarela.pipeline.errors.LongWaits;
import dev.pasarela.pipeline.errors.PermanentException;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * {@code facebook.job.publish} and {@code instagram.job.publish}: consume {@code jobs.facebook} /
 * {@code jobs.instagram} (transacted, under the central retries and dead-letter queues) and let
 * {@link PublishingJobs} advance each post. A job that must wait (a container still processing, a
 * rate limit, the daily publishing limit) is put back on its queue for later with Artemis'
 * scheduled delivery, in the same transaction as the message it replaces: the wait survives a
 * restart and holds no thread.
 */
@Component
public class PublishingRoutes extends RouteBuilder {

    static final String FACEBOOK_QUEUE = "jobs.facebook";
    static final String INSTAGRAM_QUEUE = "jobs.instagram";
    private static final String RUN_AGAIN_AT = "pasarelaRunAgainAt";

    private final PublishingJobs jobs;
    private final ProducerTemplate producer;
    private final ObjectMapper json;
    private final java.time.Clock clock;

    public PublishingRoutes(PublishingJobs jobs, ProducerTemplate producer, ObjectMapper json, java.time.Clock clock) {
        this.jobs = jobs;
        this.producer = producer;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void configure() {
        for (Publication.Network network : Publication.Network.values()) {
            String queue = queue(network);
            from("jms:queue:" + queue + "?transacted=true&lazyCreateTransactionManager=false"
                    + "&concurrentConsumers={{pasarela.publishing.concurrency}}")
                    .routeId(network.json() + ".job.publish")
                    .routeConfigurationId(ErrorHandling.DELIVERY)
                    .process(this::advance).id("publish-" + network.json())
                    .filter(variable(RUN_AGAIN_AT).isNotNull())
                        .process(e -> {
                            // the next step of the job: its retries start afresh, not where this step's ended
                            ErrorHandling.clearRetryState(e.getIn());
                            e.getIn().setHeader(ErrorHandling.SCHEDULED_DELIVERY, e.getVariable(RUN_AGAIN_AT, Long.class));
                        })
                        .to(LongWaits.PUT_BACK).id("run-again-" + network.json())
                    .end();
        }
    }

    void advance(Exchange exchange) throws Exception {
        PublishingJob job;
        try {
            job = json.readValue(exchange.getIn().getMandatoryBody(byte[].class), PublishingJob.class);
        } catch (IOException e) { // a retry cannot make it readable
            throw new PermanentException("queued publishing job is not readable", e);
        }
        Optional<Instant> again = jobs.run(job);
        // the broker's clock decides when a scheduled message is due: the wait is ours, the instant its
        again.ifPresent(at -> exchange.setVariable(RUN_AGAIN_AT, System.currentTimeMillis()
                + Math.max(0, java.time.Duration.between(clock.instant(), at).toMillis())));
    }

    /** Queues a publication's job now (outside any route: the caller's request). */
    void enqueue(Publication p) {
        byte[] payload;
        try {
            payload = json.writeValueAsBytes(new PublishingJob(p.tenantId(), p.id()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        producer.sendBodyAndHeaders("jms:queue:" + queue(p.network()), ExchangePattern.InOnly, payload, Map.of(
                Variables.H_TENANT_ID, p.tenantId(), Variables.H_EVENT_KEY, p.id(),
                Variables.H_EVENT_TYPE, p.network().json() + ".publish", Variables.H_PROVIDER, p.network().json()));
    }

    static String queue(Publication.Network network) {
        return network == Publication.Network.FACEBOOK ? FACEBOOK_QUEUE : INSTAGRAM_QUEUE;
    }
}
