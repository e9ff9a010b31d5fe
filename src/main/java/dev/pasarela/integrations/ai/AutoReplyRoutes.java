package dev.pasarela.integrations.ai;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.pipeline.errors.ErrorHandling;
import dev.pasarela.pipeline.errors.PermanentException;
import java.io.IOException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * {@code ai.job.reply}: consumes {@code jobs.ai} and lets {@link AutoReplies} analyse and maybe
 * answer each message, under the central retries and dead-letter queue ({@code dlq.ai.job.reply}).
 * Transacted: a job is taken off the queue only once handled or dead-lettered.
 */
@Component
public class AutoReplyRoutes extends RouteBuilder {

    private final AutoReplies autoReplies;
    private final ObjectMapper json;

    public AutoReplyRoutes(AutoReplies autoReplies, ObjectMapper json) {
        this.autoReplies = autoReplies;
        this.json = json;
    }

    @Override
    public void configure() {
        from("jms:queue:" + AutoReplySink.QUEUE + "?transacted=true&lazyCreateTransactionManager=false"
                + "&concurrentConsumers={{pasarela.ai.auto-reply-concurrency}}")
                .routeId("ai.job.reply")
                .routeConfigurationId(ErrorHandling.DELIVERY)
                .process(this::handle).id("auto-reply");
    }

    void handle(Exchange exchange) throws Exception {
        AutoReplyJob job;
        try {
            job = json.readValue(exchange.getIn().getMandatoryBody(byte[].class), AutoReplyJob.class);
        } catch (IOException e) { // a retry cannot make it readable
            throw new PermanentException("queued AI job is not readable", e);
        }
        autoReplies.handle(job);
    }
}
