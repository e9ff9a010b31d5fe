package dev.pasarela.pipeline.ingress;

import dev.pasarela.api.ProblemException;
import dev.pasarela.pipeline.Variables;
import dev.pasarela.pipeline.errors.DeadLetterPreparer;
import dev.pasarela.pipeline.errors.PermanentException;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Expression;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;
import org.apache.camel.support.ExpressionAdapter;
import org.springframework.stereotype.Component;

/** The provider-agnostic steps of the inbound-webhook template around verify and tenant. */
@Component("ingressSteps")
public class IngressSteps {

    /**
     * The platform-http options of every webhook's endpoint, and of the bench's baseline, which must
     * have the same door. useStreaming: Camel's Spring Boot binding otherwise reads the body through a
     * Reader into a String for its stream cache (UTF-8 decoding, 15 % of a Stripe event's request
     * thread); with it the bytes are copied as they are. No step reads that body: capture takes the
     * raw bytes RawBodyFilter kept.
     */
    public static final String WEBHOOK_ENDPOINT_OPTIONS = "httpMethodRestrict=POST&useStreaming=true";

    private final Map<String, WebhookInterpreter> interpreters;
    private final MeterRegistry meters;
    private final Clock clock;
    private final DeadLetterPreparer deadLetters;

    public IngressSteps(List<WebhookInterpreter> interpreters, MeterRegistry meters, Clock clock) {
        this.interpreters = interpreters.stream()
                .collect(Collectors.toMap(WebhookInterpreter::provider, Function.identity()));
        this.meters = meters;
        this.clock = clock;
        this.deadLetters = new DeadLetterPreparer(clock);
    }

    /** Takes the bytes {@link RawBodyFilter} kept, never the decoded body Camel made of them. */
    public void capture(Exchange exchange) {
        Message in = exchange.getIn();
        if (!(in instanceof PlatformHttpMessage http)) {
            throw new IllegalStateException("webhook routes must consume from platform-http");
        }
        HttpServletRequest request = http.getRequest();
        byte[] body = (byte[]) request.getAttribute(RawBodyFilter.ATTRIBUTE);
        if (body == null) {
            throw new IllegalStateException("RawBodyFilter did not run for " + request.getRequestURI());
        }
        Map<String, String> headers = new HashMap<>();
        for (Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements(); ) {
            String name = names.nextElement();
            headers.put(name, request.getHeader(name));
        }
        StringBuffer url = request.getRequestURL();
        if (request.getQueryString() != null) {
            url.append('?').append(request.getQueryString());
        }
        exchange.setVariable(Variables.RAW_BODY, new RawRequest(body, headers, url.toString(), request.getRemoteAddr()));
        // every later step reads the RawRequest: the request's headers and decoded body would only be
        // carried through each event's turn, and a signature header kept the tracer away
        in.removeHeaders("*");
        in.setBody(null);
    }

    public void interpret(Exchange exchange) {
        String provider = exchange.getVariable(Variables.PROVIDER, String.class);
        RawRequest request = exchange.getVariable(Variables.RAW_BODY, RawRequest.class);
        WebhookInterpreter interpreter = interpreters.get(provider);
        List<InboundEvent> events = interpreter.interpret(request);
        if (events.isEmpty()) {
            throw WebhookInterpreter.invalidPayload("The payload holds no events.");
        }
        // before the dedupe insert: a key too long for its table is refused here, not a failed insert later
        List<InboundEvent> checked = events.stream().map(e -> checkKey(interpreter, e)).toList();
        long unreadable = checked.stream().filter(e -> e.unreadable() != null).count();
        if (unreadable > MAX_UNREADABLE_IN_BATCH) {
            // dead-lettering each would be one durable write per part of a body a provider never sends
            throw WebhookInterpreter.invalidPayload("The payload holds " + unreadable
                    + " events that cannot be read; at most " + MAX_UNREADABLE_IN_BATCH + " are dead-lettered from one request.");
        }
        exchange.setVariable(Variables.EVENTS, checked);
    }

    /** How many turns the route's loop over the events makes: as many as {@link #interpret} read. */
    public Expression eventCount() {
        return new ExpressionAdapter() {
            @Override
            public Object evaluate(Exchange exchange) {
                return events(exchange).size();
            }

            @Override
            public String toString() { // the loop's label in the console's route diagram and traces
                return "variable{" + Variables.EVENTS + "}.size()";
            }
        };
    }

    /**
     * The first step of each turn of the loop over the events, on the request's own exchange: the
     * turn's event becomes the body, and what the turn before left is cleared (its headers, tenant,
     * key and type, its duplicate mark), so each event starts as a fresh copy of the request would.
     */
    public void takeEvent(Exchange exchange) {
        int turn = exchange.getProperty(ExchangePropertyKey.LOOP_INDEX, Integer.class);
        Message in = exchange.getIn();
        in.removeHeaders("*");
        in.setBody(events(exchange).get(turn));
        exchange.removeVariable(Variables.TENANT_ID);
        exchange.removeVariable(Variables.EVENT_KEY);
        exchange.removeVariable(Variables.EVENT_TYPE);
        exchange.removeProperty(ExchangePropertyKey.DUPLICATE_MESSAGE);
    }

    @SuppressWarnings("unchecked")
    private static List<InboundEvent> events(Exchange exchange) {
        return exchange.getVariable(Variables.EVENTS, List.class);
    }

    /** Unreadable parts of one batch that are dead-lettered one by one; more refuse the request (400). */
    public static final int MAX_UNREADABLE_IN_BATCH = 100;

    /** A key over the limit: the single-event request is a 400; in a batch, that event alone is unreadable. */
    private static InboundEvent checkKey(WebhookInterpreter interpreter, InboundEvent event) {
        if (event.unreadable() != null) {
            return event;
        }
        try {
            WebhookIds.checkEventKey(event.eventKey());
            return event;
        } catch (ProblemException refused) {
            if (!interpreter.batches()) {
                throw refused;
            }
            return InboundEvent.deadLetter(interpreter.provider(), refused.detail(), event.payload());
        }
    }

    /**
     * Called per unreadable event of a batch, in its turn: the event, as it would have been
     * queued, goes to {@code dlq.<route-id>} with the cause, at once (a retry reads it the same).
     * Its replay goes to {@code in.<provider>}, where reading it again is permanent too.
     */
    public void prepareDeadLetter(Exchange exchange) {
        InboundEvent event = exchange.getIn().getBody(InboundEvent.class);
        prepareEnqueue(exchange);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new PermanentException(event.unreadable()));
        deadLetters.process(exchange);
        exchange.removeProperty(Exchange.EXCEPTION_CAUGHT); // handled: the batch is acknowledged
        exchange.getMessage().setHeader(Variables.H_REPLAY_TO,
                "in." + exchange.getVariable(Variables.PROVIDER, String.class));
    }

    /** Called per event, in its turn: the event becomes the queue message. */
    public void prepareEnqueue(Exchange exchange) {
        InboundEvent event = exchange.getIn().getBody(InboundEvent.class);
        Message out = exchange.getMessage();
        out.removeHeaders("*"); // request headers (signatures included) never reach the queue
        out.setHeader(Variables.H_PROVIDER, exchange.getVariable(Variables.PROVIDER));
        out.setHeader(Variables.H_TENANT_ID, exchange.getVariable(Variables.TENANT_ID));
        out.setHeader(Variables.H_EVENT_KEY, event.eventKey());
        out.setHeader(Variables.H_EVENT_TYPE, event.type());
        out.setHeader(Variables.H_RECEIVED_AT, clock.instant().toString());
        out.setBody(event.payload());
    }

    public void count(Exchange exchange, String outcome) {
        meters.counter("pasarela.webhooks.events", "provider", exchange.getVariable(Variables.PROVIDER, String.class),
                "outcome", outcome).increment();
    }

    public void acknowledge(Exchange exchange) {
        WebhookInterpreter.Acknowledgement ack =
                interpreters.get(exchange.getVariable(Variables.PROVIDER, String.class)).acknowledgement();
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        out.setHeader(Exchange.CONTENT_TYPE, ack.contentType());
        out.setBody(ack.body().getBytes(StandardCharsets.UTF_8));
    }
}
