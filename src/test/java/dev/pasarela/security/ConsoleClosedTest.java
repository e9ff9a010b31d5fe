package dev.pasarela.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Outside the dev profile, no console password means no console: every console path is a 404, even with Basic credentials. */
@GatewayTest
class ConsoleClosedTest {

    @LocalServerPort
    int port;

    @Test
    void withoutAPasswordTheConsoleIsNotThere() {
        Http http = new Http(port);
        for (String path : new String[] {"/actuator/hawtio/", "/actuator/hawtio/index.html", "/actuator/jolokia/version",
                "/actuator/jolokia/read/java.lang:type=Memory", "/login"}) {
            Http.Response r = http.send(HttpRequest.newBuilder(URI.create(http.base() + path))
                    .header("Authorization", ConsoleSecurityTest.basic("operator", "")).GET());
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).doesNotContain("HeapMemoryUsage", "agent", "<html");
        }
    }
}
