package dev.pasarela.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.springframework.http.converter.json.Jackson2ObjectMapperBuilder;

/**
 * For unit tests that build a component with {@code new}: the mapper Spring Boot injects, made
 * the way {@code JacksonAutoConfiguration} makes it (unknown properties ignored, java.time
 * module, dates as ISO text).
 */
public final class BootObjectMapper {

    private BootObjectMapper() {}

    public static ObjectMapper create() {
        return Jackson2ObjectMapperBuilder.json()
                .featuresToDisable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS,
                        SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .build();
    }
}
