package dev.pasarela.pipeline.ingress;

import dev.pasarela.api.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
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
 * request is handled. The container's threads also serve the API, the console and health, so at
 * most {@code maxConcurrent} webhook requests are processed at once, on all routes together; one
 * more waits up to {@code maxWait} for its turn, then gets a 503 with {@code Retry-After} (the
 * provider sends it again), so a slow broker or database cannot take every thread.
 */
public final class InlinePlatformHttpEngine implements PlatformHttpEngine {

    private final int port;
    private final Semaphore turns;
    private final long maxWaitNanos;

    public InlinePlatformHttpEngine(int port, int maxConcurrent, Duration maxWait) {
        this.port = port;
        this.turns = new Semaphore(maxConcurrent, true);
        this.maxWaitNanos = maxWait.toNanos();
    }

    @Override
    public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
        return new InlineConsumer(endpoint, processor, this);
    }

    /** True with a turn taken (to give back), false when none came within the wait. */
    boolean takeTurn() throws InterruptedException {
        return turns.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS);
    }

    void giveBack() {
        turns.release();
    }

    @Override
    public int getServerPort() {
        return port;
    }

    static final class InlineConsumer extends SpringBootPlatformHttpConsumer {
        private static final Logger log = LoggerFactory.getLogger(InlineConsumer.class);

        private final InlinePlatformHttpEngine engine;

        InlineConsumer(PlatformHttpEndpoint endpoint, Processor processor, InlinePlatformHttpEngine engine) {
            super(endpoint, processor, Runnable::run); // never used: service runs the route itself
            this.engine = engine;
        }

        /** Spring MVC calls this (Camel's handler method); null: handled, no asynchronous dispatch. */
        @Override
        public CompletableFuture<Void> service(HttpServletRequest request, HttpServletResponse response) {
            try {
                if (!engine.takeTurn()) {
                    busy(response);
                    return null;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                busy(response);
                return null;
            }
            try {
                handleService(request, response);
            } catch (Exception e) {
                // what Camel's consumer does with a failure outside the route's error handling; the
                // type only at WARN, a message may quote the request
                log.warn("Error handling request to {}: {}", request.getRequestURI(), e.getClass().getSimpleName());
                log.debug("Error handling request to {}", request.getRequestURI(), e);
                if (!response.isCommitted()) {
                    try {
                        response.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
                    } catch (IOException gone) {
                        // the client went away
                    }
                }
            } finally {
                engine.giveBack();
            }
            return null;
        }

        private static void busy(HttpServletResponse response) {
            try {
                response.setHeader("Retry-After", "1");
                Problems.write(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                        "temporarily-unavailable", "Temporarily unavailable",
                        "More webhook requests are in progress than the gateway takes at once; send it again.");
            } catch (IOException gone) {
                // the client went away
            }
        }
    }
}
