package dev.pasarela.integrations.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

/** Meta's rate-limit headers (developers.facebook.com/docs/graph-api/overview/rate-limiting) read and acted on. */
class GraphUsageTest {

    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        Instant now = Instant.parse("2026-06-01T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    // the documented examples' shapes and values
    static final String APP = "{\"call_count\":28,\"total_time\":25,\"total_cputime\":25}";
    static final String BUC = "{\"66782684\":[{\"type\":\"pages\",\"call_count\":96,\"total_cputime\":35,"
            + "\"total_time\":40,\"estimated_time_to_regain_access\":0}]}";

    final MovingClock clock = new MovingClock();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final GraphUsage usage = new GraphUsage(new MetaProperties("https://graph.test", "v25.0", Duration.ofSeconds(5),
            Duration.ofSeconds(1)), meters, new ObjectMapper(), clock);

    static HttpHeaders headers(String... nameValue) {
        HttpHeaders h = new HttpHeaders();
        for (int i = 0; i < nameValue.length; i += 2) {
            h.add(nameValue[i], nameValue[i + 1]);
        }
        return h;
    }

    double gauge(String type, String key) {
        return meters.get("pasarela.meta.usage.percent").tags("key_type", type, "key", key).gauge().value();
    }

    @Test
    void theThreeHeadersAreReadAsTheHighestPercentagePerKey() {
        var readings = usage.parse("66782684", headers("X-App-Usage", APP, "X-Business-Use-Case-Usage", BUC,
                "X-Page-Usage", "{\"call_count\":12,\"total_cputime\":3,\"total_time\":70}"));
        assertThat(readings).containsExactly(
                new GraphUsage.Reading("app", "app", 28, Duration.ZERO),
                new GraphUsage.Reading("pages", "66782684", 96, Duration.ZERO),
                new GraphUsage.Reading("page", "66782684", 70, Duration.ZERO));
        // X-Page-Usage's key is the call's path segment (a post, a comment…): it shapes, it is no series
        usage.observe("/66782684_101/comments", headers("X-Page-Usage", "{\"call_count\":85}"));
        assertThat(usage.beforeCall("/66782684_101/comments")).isPositive();
        usage.observe("/66782684/feed", headers("X-App-Usage", APP, "X-Business-Use-Case-Usage", BUC));
        assertThat(gauge("app", "app")).isEqualTo(28);
        assertThat(gauge("pages", "66782684")).isEqualTo(96);
        assertThat(meters.find("pasarela.meta.usage.percent").gauges()).hasSize(2);
    }

    @Test
    void aBusinessUseCaseWithSeveralTypesTakesTheHighestAndTheLongestWait() {
        String buc = "{\"1122\":[{\"type\":\"instagram\",\"call_count\":10,\"total_cputime\":5,\"total_time\":5,"
                + "\"estimated_time_to_regain_access\":0},{\"type\":\"pages\",\"call_count\":100,\"total_cputime\":20,"
                + "\"total_time\":30,\"estimated_time_to_regain_access\":7}]}";
        assertThat(usage.parse("x", headers("X-Business-Use-Case-Usage", buc)))
                .containsExactly(new GraphUsage.Reading("instagram", "1122", 100, Duration.ofMinutes(7)));
        assertThat(usage.observe("/1122/media", headers("X-Business-Use-Case-Usage", buc))).contains(Duration.ofMinutes(7));
    }

    @Test
    void unreadableHeadersAreIgnored() {
        assertThat(usage.parse("1", headers("X-App-Usage", "call_count=50", "X-Business-Use-Case-Usage", "{\"1\":",
                "X-Page-Usage", "[]"))).isEmpty();
        assertThat(usage.observe("/1/messages", headers("X-App-Usage", "{oops"))).isEmpty();
        assertThat(usage.beforeCall("/1/messages")).isZero();
    }

    @Test
    void anObjectMetaSaidToLeaveAloneIsRefusedUntilItsRegainTimeThenCalledAgain() {
        String buc = "{\"102290129340398\":[{\"type\":\"whatsapp_business_management\",\"call_count\":100,"
                + "\"total_cputime\":10,\"total_time\":10,\"estimated_time_to_regain_access\":3}]}";
        // the call was for a phone number, counted against its WABA: the number's next call finds it
        usage.observe("/106540352242922/messages", headers("X-Business-Use-Case-Usage", buc));
        clock.now = clock.now.plusSeconds(60);
        for (String path : new String[] {"/106540352242922/messages", "/102290129340398/message_templates"}) {
            assertThatThrownBy(() -> usage.beforeCall(path)).isInstanceOfSatisfying(GraphException.class, e -> {
                assertThat(e.kind()).isEqualTo(GraphException.Kind.TRANSIENT);
                assertThat(e.retryAfter()).contains(Duration.ofMinutes(2));
                assertThat(e.describe()).contains("102290129340398");
            });
        }
        assertThat(usage.beforeCall("/999/messages")).isZero(); // another object
        assertThat(meters.get("pasarela.meta.usage.held").tag("outcome", "refused").counter().count()).isEqualTo(2);
        clock.now = clock.now.plusSeconds(121);
        assertThat(usage.beforeCall("/106540352242922/messages")).isEqualTo(Duration.ofSeconds(2)); // still at 100 %
    }

    @Test
    void fromTheThresholdCallsPauseMoreTheHigherTheUsageUpToTheMaximum() {
        assertThat(usage.delayFor(79.9)).isZero();
        assertThat(usage.delayFor(80)).isZero();
        assertThat(usage.delayFor(90)).isEqualTo(Duration.ofMillis(1000));
        assertThat(usage.delayFor(100)).isEqualTo(Duration.ofSeconds(2));
        assertThat(usage.delayFor(180)).isEqualTo(Duration.ofSeconds(2));
        usage.observe("/me/accounts", headers("X-App-Usage", "{\"call_count\":95,\"total_cputime\":1,\"total_time\":1}"));
        assertThat(usage.beforeCall("/123/feed")).as("the app's usage slows every object").isEqualTo(Duration.ofMillis(1500));
        usage.observe("/me/accounts", headers("X-App-Usage", APP));
        assertThat(usage.beforeCall("/123/feed")).as("the latest answer wins").isZero();
    }

    @Test
    void aReadingOlderThanMetasHourSaysNothing() {
        usage.observe("/1/feed", headers("X-Business-Use-Case-Usage", "{\"1\":[{\"type\":\"pages\",\"call_count\":99}]}"));
        assertThat(usage.beforeCall("/1/feed")).isPositive();
        clock.now = clock.now.plus(Duration.ofMinutes(61));
        assertThat(usage.beforeCall("/1/feed")).isZero();
    }

    @Test
    void theCallsObjectIsItsFirstPathSegment() {
        assertThat(GraphUsage.objectOf("/106540352242922/messages")).isEqualTo("106540352242922");
        assertThat(GraphUsage.objectOf("/1003383421387256")).isEqualTo("1003383421387256");
        assertThat(GraphUsage.objectOf("123/feed?fields=id")).isEqualTo("123");
    }
}
