package dev.pasarela.integrations.ai;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.HttpHeaders;

class RateLimitHeadersTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);

    static HttpHeaders headers(String... nameValues) {
        HttpHeaders headers = new HttpHeaders();
        for (int i = 0; i < nameValues.length; i += 2) {
            headers.add(nameValues[i], nameValues[i + 1]);
        }
        return headers;
    }

    @ParameterizedTest
    @CsvSource({"1s, 1000", "6m0s, 360000", "20ms, 20", "1h2m3.5s, 3723500", "0.5s, 500", "7.2s, 7200",
            "1m30s, 90000", "250us, 0.25", "500ns, 0.0005"})
    void readsGoDurations(String value, double millis) {
        assertThat(RateLimitHeaders.goDuration(value)).isEqualTo(Duration.ofNanos(Math.round(millis * 1_000_000)));
    }

    @ParameterizedTest
    @CsvSource(value = {"''", "'  '", "abc", "1x", "s", "1s junk", "-1s", "10"}, nullValues = "NULL")
    void refusesWhatIsNoGoDuration(String value) {
        assertThat(RateLimitHeaders.goDuration(value)).isNull();
    }

    @Test
    void goDurationOfNothingIsNull() {
        assertThat(RateLimitHeaders.goDuration(null)).isNull();
    }

    @Test
    void retryAfterMsComesFirst() {
        assertThat(RateLimitHeaders.openAi(headers("retry-after-ms", "1500", "retry-after", "20"), CLOCK))
                .isEqualTo(Duration.ofMillis(1500));
        assertThat(RateLimitHeaders.anthropic(headers("Retry-After-Ms", "250.5", "retry-after", "20"), CLOCK))
                .isEqualTo(Duration.ofNanos(250_500_000));
    }

    @Test
    void anUnreadableRetryAfterMsFallsBackToRetryAfter() {
        assertThat(RateLimitHeaders.openAi(headers("retry-after-ms", "soon", "retry-after", "20"), CLOCK))
                .isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void retryAfterInSecondsOrAsAnHttpDateRelativeToTheClock() {
        assertThat(RateLimitHeaders.openAi(headers("retry-after", "7"), CLOCK)).isEqualTo(Duration.ofSeconds(7));
        assertThat(RateLimitHeaders.anthropic(headers("retry-after", "Tue, 01 Dec 2026 10:00:42 GMT"), CLOCK))
                .isEqualTo(Duration.ofSeconds(42));
        assertThat(RateLimitHeaders.anthropic(headers("retry-after", "Tue, 01 Dec 2026 09:00:00 GMT"), CLOCK))
                .isEqualTo(Duration.ZERO);
    }

    @Test
    void retryAfterWinsOverTheResetHeaders() {
        assertThat(RateLimitHeaders.openAi(headers("retry-after", "3", "x-ratelimit-remaining-tokens", "0",
                "x-ratelimit-reset-tokens", "6m0s"), CLOCK)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void openAiTakesTheLongerResetOfAnExhaustedLimit() {
        assertThat(RateLimitHeaders.openAi(headers(
                "x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "1s",
                "x-ratelimit-remaining-tokens", "0", "x-ratelimit-reset-tokens", "6m0s"), CLOCK))
                .isEqualTo(Duration.ofMinutes(6));
        assertThat(RateLimitHeaders.openAi(headers(
                "x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "20ms",
                "x-ratelimit-remaining-tokens", "1200", "x-ratelimit-reset-tokens", "6m0s"), CLOCK))
                .isEqualTo(Duration.ofMillis(20));
    }

    @Test
    void openAiResetsOfLimitsNotUsedUpAreNoWait() {
        assertThat(RateLimitHeaders.openAi(headers(
                "x-ratelimit-remaining-requests", "59", "x-ratelimit-reset-requests", "1s",
                "x-ratelimit-remaining-tokens", "149000", "x-ratelimit-reset-tokens", "6m0s"), CLOCK)).isNull();
        assertThat(RateLimitHeaders.openAi(new HttpHeaders(), CLOCK)).isNull();
    }

    @Test
    void anthropicTakesTheLatestResetOfAnExhaustedLimit() {
        assertThat(RateLimitHeaders.anthropic(headers(
                "anthropic-ratelimit-requests-remaining", "0",
                "anthropic-ratelimit-requests-reset", "2026-12-01T10:00:05Z",
                "anthropic-ratelimit-input-tokens-remaining", "0",
                "anthropic-ratelimit-input-tokens-reset", "2026-12-01T10:00:30Z",
                "anthropic-ratelimit-output-tokens-remaining", "8000",
                "anthropic-ratelimit-output-tokens-reset", "2026-12-01T10:05:00Z"), CLOCK))
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(RateLimitHeaders.anthropic(headers(
                "anthropic-ratelimit-tokens-remaining", "0",
                "anthropic-ratelimit-tokens-reset", "2026-12-01T11:00:12+01:00"), CLOCK))
                .isEqualTo(Duration.ofSeconds(12));
    }

    @Test
    void anthropicResetsInThePastOrUnreadableOrNotUsedUp() {
        assertThat(RateLimitHeaders.anthropic(headers(
                "anthropic-ratelimit-requests-remaining", "0",
                "anthropic-ratelimit-requests-reset", "2026-12-01T09:59:00Z"), CLOCK)).isEqualTo(Duration.ZERO);
        assertThat(RateLimitHeaders.anthropic(headers(
                "anthropic-ratelimit-requests-remaining", "0",
                "anthropic-ratelimit-requests-reset", "pronto"), CLOCK)).isNull();
        assertThat(RateLimitHeaders.anthropic(headers(
                "anthropic-ratelimit-requests-remaining", "49",
                "anthropic-ratelimit-requests-reset", "2026-12-01T10:00:05Z"), CLOCK)).isNull();
    }
}
