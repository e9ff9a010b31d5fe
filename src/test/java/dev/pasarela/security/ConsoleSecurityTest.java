package dev.pasarela.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.pipeline.Queues;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.core.env.Environment;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * The operator console over plain HTTP: who gets in, and what Jolokia lets an operator do once in
 * ({@code jolokia-access.xml}). The browser side is {@code dev.pasarela.e2e.ConsoleE2ETest}.
 */
@GatewayTest
@DisableJmx(false) // Camel's test support turns JMX off; the console is made of it
@TestPropertySource(properties = {"pasarela.console.user=" + ConsoleSecurityTest.USER,
        "pasarela.console.password=" + ConsoleSecurityTest.PASSWORD})
@ExtendWith(OutputCaptureExtension.class)
class ConsoleSecurityTest {

    static final String USER = "ops-console";
    static final String PASSWORD = "console-test-password-0123456789";
    static final String DLQ = Queues.DLQ_PREFIX + "console.test.deliver";
    static final String PARKED = "parked.console-test";

    @LocalServerPort
    int port;
    @Autowired
    CamelContext camel;
    @Autowired
    JmsTemplate jms;
    Http http;
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void setUp() {
        http = new Http(port);
    }

    @Test
    void withoutCredentialsJolokiaIsA401WithNoMBeanData() {
        Http.Response read = get("/actuator/jolokia/read/java.lang:type=Memory", null);
        assertThat(read.status()).isEqualTo(401);
        assertThat(read.body()).doesNotContain("HeapMemoryUsage");
        Http.Response list = post("/actuator/jolokia", "{\"type\":\"list\"}", null);
        assertThat(list.status()).isEqualTo(401);
        assertThat(list.body()).doesNotContain("org.apache.camel");
        // the console's own Jolokia path too
        assertThat(post("/actuator/hawtio/jolokia", "{\"type\":\"search\",\"mbean\":\"*:*\"}", null).status())
                .isEqualTo(401);
    }

    @Test
    void withoutCredentialsTheConsoleSendsTheBrowserToTheLoginPage() {
        Http.Response page = get("/actuator/hawtio/", null);
        assertThat(page.status()).isEqualTo(302);
        assertThat(page.raw().headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
        Http.Response login = get("/login", null);
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.body()).contains("name=\"username\"", "name=\"password\"");
    }

    @Test
    void aWrongPasswordIsRefused() {
        assertThat(get("/actuator/jolokia/version", basic(USER, "not-the-password-0123456789")).status()).isEqualTo(401);
    }

    @Test
    void anOperatorReadsEveryRouteAndItsDiagramSource() throws Exception {
        String auth = basic(USER, PASSWORD);
        JsonNode routes = jolokia(auth, "{\"type\":\"search\",\"mbean\":\"org.apache.camel:type=routes,*\"}");
        assertThat(routes.path("status").asInt()).isEqualTo(200);
        assertThat(routes.path("value").size()).isEqualTo(camel.getRoutes().size());
        String route = camel.getRoutes().get(0).getRouteId();
        String mbean = routes.path("value").get(0).asText();
        JsonNode xml = jolokia(auth, "{\"type\":\"exec\",\"mbean\":" + json.writeValueAsString(mbean)
                + ",\"operation\":\"dumpRouteAsXml()\"}");
        assertThat(xml.path("status").asInt()).as(xml.toString()).isEqualTo(200);
        assertThat(xml.path("value").asText()).contains("<route");
        assertThat(route).isNotBlank();
    }

    @Test
    void anOperatorCountsAndMovesDeadLettersButCannotDeleteThemNorSendIntoRoutes() throws Exception {
        jms.convertAndSend(DLQ, "{\"dead\":true}");
        jms.convertAndSend(PARKED, "{\"here\":true}"); // moveMessages needs a queue that exists
        String auth = basic(USER, PASSWORD);
        String queue = "org.apache.activemq.artemis:broker=\\\"localhost\\\",component=addresses,address=\\\"" + DLQ
                + "\\\",subcomponent=queues,routing-type=\\\"anycast\\\",queue=\\\"" + DLQ + "\\\"";
        JsonNode count = jolokia(auth, "{\"type\":\"exec\",\"mbean\":\"" + queue + "\",\"operation\":\"countMessages()\"}");
        assertThat(count.path("status").asInt()).as(count.toString()).isEqualTo(200);
        assertThat(count.path("value").asLong()).isGreaterThanOrEqualTo(1);

        JsonNode remove = jolokia(auth, "{\"type\":\"exec\",\"mbean\":\"" + queue + "\",\"operation\":\"removeAllMessages()\"}");
        assertThat(remove.path("status").asInt()).isEqualTo(403);

        String context = jolokia(auth, "{\"type\":\"search\",\"mbean\":\"org.apache.camel:type=context,*\"}")
                .path("value").get(0).asText();
        JsonNode send = jolokia(auth, "{\"type\":\"exec\",\"mbean\":" + json.writeValueAsString(context)
                + ",\"operation\":\"sendBody(java.lang.String,java.lang.Object)\",\"arguments\":[\"direct:x\",\"x\"]}");
        assertThat(send.path("status").asInt()).isEqualTo(403);

        JsonNode write = jolokia(auth, "{\"type\":\"write\",\"mbean\":\"org.apache.camel:context=" + camel.getManagementName()
                + ",type=tracer,name=BacklogTracer\",\"attribute\":\"BodyMaxChars\",\"value\":100000}");
        assertThat(write.path("status").asInt()).isEqualTo(403);

        JsonNode args = jolokia(auth, "{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"InputArguments\"}");
        assertThat(args.path("status").asInt()).isEqualTo(403);

        JsonNode move = jolokia(auth, "{\"type\":\"exec\",\"mbean\":\"" + queue
                + "\",\"operation\":\"moveMessages(java.lang.String,java.lang.String)\",\"arguments\":[\"\",\"" + PARKED + "\"]}");
        assertThat(move.path("status").asInt()).as(move.toString()).isEqualTo(200);
        assertThat(move.path("value").asInt()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void jolokiaNeitherProxiesToOtherJvmsNorAnswersAGet() throws Exception {
        String auth = basic(USER, PASSWORD);
        // a JSR-160 proxy request naming a listener of ours: the gateway must never connect to it
        try (java.net.ServerSocket elsewhere = new java.net.ServerSocket(0)) {
            elsewhere.setSoTimeout(1500);
            java.util.concurrent.CompletableFuture<Boolean> connected = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try (java.net.Socket s = elsewhere.accept()) {
                    return true;
                } catch (java.io.IOException timeout) {
                    return false;
                }
            });
            jolokia(auth, "{\"type\":\"read\",\"mbean\":\"java.lang:type=Memory\",\"target\":{\"url\":"
                    + "\"service:jmx:rmi:///jndi/rmi://127.0.0.1:" + elsewhere.getLocalPort() + "/jmxrmi\"}}");
            assertThat(connected.get()).as("the gateway opened a JMX connection to another host").isFalse();
        }
        // POST only: a link an operator follows cannot read or act, even with the session
        Http.Response viaGet = get("/actuator/jolokia/read/java.lang:type=Memory", auth);
        assertThat(viaGet.body()).doesNotContain("HeapMemoryUsage");
        // the same read by POST works
        assertThat(jolokia(auth, "{\"type\":\"read\",\"mbean\":\"java.lang:type=Memory\"}").path("status").asInt())
                .isEqualTo(200);
    }

    /** jolokia-access.xml's {@code <cors>}: a page of another origin gets no CORS answer to read what an operator's browser fetches. */
    @Test
    void jolokiaAnswersNoOtherOrigin() {
        String auth = basic(USER, PASSWORD);
        for (String origin : new String[] {"https://evil.example", "null", "http://127.0.0.1:" + (port + 1)}) {
            Http.Response r = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/actuator/jolokia"))
                    .header("Authorization", auth).header("Origin", origin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"version\"}")));
            assertThat(r.raw().headers().firstValue("Access-Control-Allow-Origin")).as(origin).isEmpty();
            assertThat(r.raw().headers().firstValue("Access-Control-Allow-Credentials")).as(origin).isEmpty();
        }
        Http.Response preflight = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/actuator/jolokia"))
                .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(preflight.raw().headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        // the console itself (no Origin, or its own) is answered as before
        assertThat(jolokiaWithOrigin(auth, http.base()).path("status").asInt()).isEqualTo(200);
    }

    JsonNode jolokiaWithOrigin(String auth, String origin) {
        Http.Response r = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/actuator/jolokia"))
                .header("Authorization", auth).header("Origin", origin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"version\"}")));
        try {
            return json.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The console's Trace tab: the backlog tracer (installed on standby) switched on through Jolokia, a
     * route's message recorded with its body cut at camel.trace.body-max-chars, then switched off.
     */
    @Test
    void anOperatorSwitchesTheTracerOnReadsACappedBodyAndSwitchesItOff(@Autowired ProducerTemplate producer,
                                                                         @Autowired Environment env) throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:console.trace").routeId("console.test.trace").setHeader("traced", constant("yes")).id("trace-mark");
            }
        });
        int cap = env.getRequiredProperty("camel.trace.body-max-chars", Integer.class);
        String auth = basic(USER, PASSWORD);
        String tracer = json.writeValueAsString("org.apache.camel:context=" + camel.getManagementName()
                + ",type=tracer,name=BacklogTracer");
        JsonNode on = jolokia(auth, "{\"type\":\"exec\",\"mbean\":" + tracer
                + ",\"operation\":\"setEnabled(boolean)\",\"arguments\":[true]}");
        assertThat(on.path("status").asInt()).as(on.toString()).isEqualTo(200);
        assertThat(jolokia(auth, "{\"type\":\"read\",\"mbean\":" + tracer + ",\"attribute\":\"Enabled\"}")
                .path("value").asBoolean()).isTrue();

        producer.sendBody("direct:console.trace", "a".repeat(cap) + "BEYOND-THE-CAP");
        JsonNode dump = jolokia(auth, "{\"type\":\"exec\",\"mbean\":" + tracer
                + ",\"operation\":\"dumpTracedMessagesAsXml(java.lang.String)\",\"arguments\":[\"console.test.trace\"]}");
        assertThat(dump.path("status").asInt()).as(dump.toString()).isEqualTo(200);
        String xml = dump.path("value").asText();
        assertThat(xml).contains("console.test.trace", "a".repeat(cap)).doesNotContain("BEYOND-THE-CAP");

        JsonNode off = jolokia(auth, "{\"type\":\"exec\",\"mbean\":" + tracer
                + ",\"operation\":\"setEnabled(boolean)\",\"arguments\":[false]}");
        assertThat(off.path("status").asInt()).as(off.toString()).isEqualTo(200);
        jolokia(auth, "{\"type\":\"exec\",\"mbean\":" + tracer + ",\"operation\":\"clear()\"}");
        producer.sendBody("direct:console.trace", "not traced");
        String after = jolokia(auth, "{\"type\":\"exec\",\"mbean\":" + tracer
                + ",\"operation\":\"dumpAllTracedMessagesAsXml()\"}").path("value").asText();
        assertThat(after).doesNotContain("not traced");
        // the cap itself is not the console's to raise (no write)
        assertThat(jolokia(auth, "{\"type\":\"write\",\"mbean\":" + tracer
                + ",\"attribute\":\"Enabled\",\"value\":true}").path("status").asInt()).isEqualTo(403);
    }

    /**
     * The Trace tab shows each traced message's headers, and Camel's tracer has no option to leave any
     * out: a message still carrying a credential or a provider signature is not traced at all.
     */
    @Test
    void theTracerRecordsNoCredentialOrSignatureHeader(@Autowired ProducerTemplate producer) throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:console.trace-secrets").routeId("console.test.trace-secrets").setHeader("seen", constant("yes"));
            }
        });
        String auth = basic(USER, PASSWORD);
        String tracer = json.writeValueAsString("org.apache.camel:context=" + camel.getManagementName()
                + ",type=tracer,name=BacklogTracer");
        assertThat(jolokia(auth, "{\"type\":\"exec\",\"mbean\":" + tracer
                + ",\"operation\":\"setEnabled(boolean)\",\"arguments\":[true]}").path("status").asInt()).isEqualTo(200);
        try {
            java.util.Map<String, String> secrets = java.util.Map.of("X-Api-Key", "SECRET-api-key",
                    "Authorization", "Bearer SECRET-token", "Stripe-Signature", "t=1,v1=SECRET-stripe",
                    "X-Hub-Signature-256", "sha256=SECRET-meta", "X-Twilio-Signature", "SECRET-twilio",
                    "svix-signature", "v1,SECRET-svix", "hub.verify_token", "SECRET-verify");
            secrets.forEach((name, value) -> producer.sendBodyAndHeader("direct:console.trace-secrets", "with " + name, name, value));
            producer.sendBody("direct:console.trace-secrets", "PLAIN-MESSAGE");
            // through a real door too: the webhook route's first steps see the request's headers
            http.send(HttpRequest.newBuilder(URI.create(http.base() + "/webhooks/stripe"))
                    .header("Content-Type", "application/json").header("Stripe-Signature", "t=1,v1=SECRET-door")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"evt_trace\"}")));
            String xml = jolokia(auth, "{\"type\":\"exec\",\"mbean\":" + tracer
                    + ",\"operation\":\"dumpAllTracedMessagesAsXml()\"}").path("value").asText();
            assertThat(xml).contains("PLAIN-MESSAGE").doesNotContain("SECRET");
        } finally {
            jolokia(auth, "{\"type\":\"exec\",\"mbean\":" + tracer
                    + ",\"operation\":\"setEnabled(boolean)\",\"arguments\":[false]}");
            jolokia(auth, "{\"type\":\"exec\",\"mbean\":" + tracer + ",\"operation\":\"clear()\"}");
        }
    }

    @Test
    void thePasswordIsNeverLogged(CapturedOutput output) {
        assertThat(output.getAll()).doesNotContain(PASSWORD);
    }

    JsonNode jolokia(String auth, String body) throws Exception {
        Http.Response r = post("/actuator/jolokia", body, auth);
        assertThat(r.status()).as(r.body()).isNotIn(401, 302, 404);
        return json.readTree(r.body());
    }

    Http.Response get(String path, String auth) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base() + path)).GET();
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return http.send(b);
    }

    Http.Response post(String path, String body, String auth) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return http.send(b);
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
