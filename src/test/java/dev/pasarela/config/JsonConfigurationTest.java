package dev.pasarela.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class JsonConfigurationTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class))
            .withUserConfiguration(JsonConfiguration.class);

    /** What a signed payload may hold: a lone high surrogate, a lone low one, and a real pair (🚗). */
    @Test
    void bootsMapperWritesLoneSurrogatesAsReplacementCharactersAndKeepsPairs() {
        context.run(c -> {
            ObjectMapper json = c.getBean(ObjectMapper.class);
            byte[] out = json.writeValueAsBytes(Map.of("text\uD800", List.of("a\uD800b", "\uDC00", "🚗 ok"),
                    "at", java.time.Instant.parse("2026-12-02T10:00:00Z")));
            String strict = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(out)).toString();
            assertThat(strict.toLowerCase()).doesNotContain("\\ud800", "\\udc00");
            assertThat(strict).contains("\"text\uFFFD\"", "\"a\uFFFDb\"", "\"\uFFFD\"")
                    .contains("\"at\":\"2026-12-02T10:00:00Z\""); // Boot's own modules still installed
            // a real pair survives (Jackson may escape it as a pair, which strict parsers take)
            assertThat(json.readTree(out).path("text\uFFFD").get(2).asText()).isEqualTo("🚗 ok");
        });
    }
}
