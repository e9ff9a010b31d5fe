package dev.pasarela.pipeline.ingress;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the webhook routes on the servlet container's request thread. Camel's Spring Boot engine
 * hands each request to Spring's task executor (8 threads and an unbounded queue) and answers
 * Spring MVC with a future, which makes Spring dispatch the request a second time, through every
 * filter, only to find the answer already written by the consumer. Here the route runs on the
 * request's own thread, the consumer writes the answer as before, and Spring MVC is told the
 * request is handled. Back-pressure is then the container's (its threads and accept queue), not a
 * queue of requests in memory.
 */
public final class InlinePlatformHttpEngine implements PlatformHttpEngine {

    private final int port;

    public InlinePlatformHttpEngine(int port) {
        this.port = port;
    }

    @Override
    public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
        return new InlineConsumer(endpoint, processor);
    }

    @Override
    public int getServerPort() {
        return port;
    }

    static final class InlineConsumer extends SpringBootPlatformHttpConsumer {
        private static final Logger log = LoggerFactory.getLogger(InlineConsumer.class);

        InlineConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
            super(endpoint, processor, Runnable::run); // never used: service runs the route itself
        }

        /** Spring MVC calls this (Camel's handler method); null: handled, no asynchronous dispatch. */
        @Override
        public CompletableFuture<Void> service(HttpServletRequest request, HttpServletResponse response) {
            try {
                handleService(request, response);
            } catch (Exception e) {
                // what Camel's consumer does with a failure outside the route's error handling; the
                // type only, a message may quote the request
                log.warn("Error handling request to {}: {}", request.getRequestURI(), e.getClass().getSimpleName());
                if (!response.isCommitted()) {
                    try {
                        response.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
                    } catch (IOException gone) {
                        // the client went away
                    }
                }
            }
            return null;
        }
    }
}
