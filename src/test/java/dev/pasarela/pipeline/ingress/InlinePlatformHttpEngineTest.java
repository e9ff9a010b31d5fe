package dev.pasarela.pipeline.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumerAware;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpConsumer;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The route runs on the request's own thread, writes the answer, and leaves Spring MVC nothing to dispatch. */
class InlinePlatformHttpEngineTest {

    final DefaultCamelContext camel = new DefaultCamelContext();

    @AfterEach
    void stop() {
        camel.stop();
    }

    @Test
    void theRouteRunsOnTheRequestThreadAndTheAnswerIsWrittenBeforeServiceReturns() throws Exception {
        PlatformHttpComponent component = new PlatformHttpComponent();
        InlinePlatformHttpEngine engine = new InlinePlatformHttpEngine(8080, 1, java.time.Duration.ofMillis(50));
        component.setEngine(engine);
        camel.addComponent("platform-http", component);
        Thread[] ranOn = new Thread[1];
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:/webhooks/acme").routeId("acme.in.receive").process(exchange -> {
                    ranOn[0] = Thread.currentThread();
                    exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
                    exchange.getMessage().setBody("ok".getBytes(StandardCharsets.UTF_8));
                });
            }
        });
        camel.start();
        Object consumer = ((PlatformHttpConsumerAware) camel.getRoute("acme.in.receive").getConsumer())
                .getPlatformHttpConsumer();
        assertThat(consumer).isInstanceOf(InlinePlatformHttpEngine.InlineConsumer.class);
        MockHttpServletRequest request = request();
        MockHttpServletResponse response = new MockHttpServletResponse();

        Object future = ((SpringBootPlatformHttpConsumer) consumer).service(request, response);

        assertThat(future).as("handled: Spring MVC dispatches nothing asynchronously").isNull();
        assertThat(ranOn[0]).isSameAs(Thread.currentThread());
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).isEqualTo("ok");
        assertThat(request.isAsyncStarted()).isFalse();

        // one turn (maxConcurrent 1), taken: the next request waits 50 ms, then is told to come back
        assertThat(engine.takeTurn()).isTrue();
        MockHttpServletResponse busy = new MockHttpServletResponse();
        ranOn[0] = null;
        assertThat(((SpringBootPlatformHttpConsumer) consumer).service(request(), busy)).isNull();
        assertThat(ranOn[0]).as("not run").isNull();
        assertThat(busy.getStatus()).isEqualTo(503);
        assertThat(busy.getHeader("Retry-After")).isEqualTo("1");
        assertThat(busy.getContentType()).isEqualTo("application/problem+json");
        assertThat(busy.getContentAsString()).contains("temporarily-unavailable");
        engine.giveBack();
        MockHttpServletResponse again = new MockHttpServletResponse();
        ((SpringBootPlatformHttpConsumer) consumer).service(request(), again);
        assertThat(again.getStatus()).as("a turn given back after every request").isEqualTo(200);
    }

    static MockHttpServletRequest request() {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/webhooks/acme");
        request.setContent("{}".getBytes(StandardCharsets.UTF_8));
        request.setContentType("application/json");
        return request;
    }
}
