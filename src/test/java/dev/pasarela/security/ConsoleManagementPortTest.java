package dev.pasarela.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * With {@code management.server.port} set, the console (its login form and HTTP Basic included) is
 * on that port only: on the gateway's public port its paths are 404s, so its password cannot be
 * guessed there. Where it is served, wrong logins from one address lock that address out.
 */
@GatewayTest
@TestPropertySource(properties = {"management.server.port=0",
        "pasarela.console.user=" + ConsoleSecurityTest.USER,
        "pasarela.console.password=" + ConsoleSecurityTest.PASSWORD,
        "pasarela.console.max-login-failures=3"})
class ConsoleManagementPortTest {

    @LocalServerPort
    int port;
    @LocalManagementPort
    int managementPort;
    @Autowired
    ConsoleLoginThrottle throttle;

    @AfterEach
    void forgetFailures() {
        throttle.succeeded("127.0.0.1");
    }

    @Test
    void onThePublicPortTheConsoleIsNotThere() {
        assertThat(managementPort).isNotEqualTo(port);
        Http pub = new Http(port);
        for (String path : new String[] {"/login", "/actuator/hawtio/", "/actuator/hawtio/index.html",
                "/actuator/jolokia/version"}) {
            Http.Response r = get(pub, path, null);
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.contentType()).as(path).startsWith("application/problem+json");
            assertThat(r.body()).as(path).doesNotContain("<html", "password", "agent");
            // right credentials do not open it either
            Http.Response basic = get(pub, path, ConsoleSecurityTest.basic(ConsoleSecurityTest.USER, ConsoleSecurityTest.PASSWORD));
            assertThat(basic.status()).as(path).isEqualTo(404);
        }
        Http.Response form = loginForm(pub, ConsoleSecurityTest.PASSWORD);
        assertThat(form.status()).isEqualTo(404);
        assertThat(form.raw().headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("JSESSIONID"));
        Http.Response jolokia = pub.send(HttpRequest.newBuilder(URI.create(pub.base() + "/actuator/jolokia"))
                .header("Authorization", ConsoleSecurityTest.basic(ConsoleSecurityTest.USER, ConsoleSecurityTest.PASSWORD))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"version\"}")));
        assertThat(jolokia.status()).isEqualTo(404);
        assertThat(jolokia.body()).doesNotContain("agent");
    }

    @Test
    void onTheManagementPortTheOperatorLogsIn() {
        Http mgmt = new Http(managementPort);
        Http.Response login = get(mgmt, "/login", null);
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.body()).contains("name=\"username\"", "name=\"password\"");
        assertThat(get(mgmt, "/actuator/hawtio/", null).status()).isEqualTo(302);
        Http.Response version = get(mgmt, "/actuator/jolokia/version",
                ConsoleSecurityTest.basic(ConsoleSecurityTest.USER, ConsoleSecurityTest.PASSWORD));
        assertThat(version.status()).isNotIn(401, 404); // authenticated: Jolokia answers (a GET it refuses itself)
    }

    @Test
    void wrongPasswordsLockTheAddressOutEvenForTheRightOne() {
        Http mgmt = new Http(managementPort);
        String wrong = ConsoleSecurityTest.basic(ConsoleSecurityTest.USER, "not-the-password-0123456789");
        for (int i = 0; i < 2; i++) {
            assertThat(get(mgmt, "/actuator/jolokia/version", wrong).status()).isEqualTo(401);
        }
        Http.Response third = loginForm(mgmt, "still-not-the-password-0123");
        assertThat(third.status()).isEqualTo(302);
        assertThat(third.raw().headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("error"));

        Http.Response locked = get(mgmt, "/actuator/jolokia/version",
                ConsoleSecurityTest.basic(ConsoleSecurityTest.USER, ConsoleSecurityTest.PASSWORD));
        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.contentType()).startsWith("application/problem+json");
        assertThat(locked.json().path("type").asText()).endsWith("/too-many-login-failures");
        assertThat(Long.parseLong(locked.raw().headers().firstValue("Retry-After").orElseThrow()))
                .isBetween(1L, 15 * 60L);
        assertThat(loginForm(mgmt, ConsoleSecurityTest.PASSWORD).status()).isEqualTo(429);
    }

    static Http.Response get(Http http, String path, String auth) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base() + path)).GET();
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return http.send(b);
    }

    /** The login form as a browser sends it: its page first (session and CSRF token), then the POST. */
    static Http.Response loginForm(Http http, String password) {
        java.net.http.HttpClient browser = java.net.http.HttpClient.newBuilder()
                .cookieHandler(new java.net.CookieManager()).build();
        try {
            String page = browser.send(HttpRequest.newBuilder(URI.create(http.base() + "/login")).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            java.util.regex.Matcher csrf = java.util.regex.Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(page);
            String form = "username=" + ConsoleSecurityTest.USER + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8)
                    + (csrf.find() ? "&_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8) : "");
            java.net.http.HttpResponse<String> r = browser.send(HttpRequest.newBuilder(URI.create(http.base() + "/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            return new Http.Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
