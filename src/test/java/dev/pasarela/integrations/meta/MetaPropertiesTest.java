package dev.pasarela.integrations.meta;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** The Graph client's settings: the documented defaults, and a malformed version stops the start naming it. */
class MetaPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(MetaProperties.class)
    static class Config {
    }

    final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Config.class);

    @Test
    void unsetPropertiesTakeTheDocumentedDefaults() {
        context.run(c -> assertThat(c.getBean(MetaProperties.class)).isEqualTo(new MetaProperties(
                "https://graph.facebook.com", "v25.0", Duration.ofSeconds(10), Duration.ofSeconds(5))));
    }

    @Test
    void aMalformedVersionOrTimeoutStopsTheStartNamingTheProperty() {
        context.withPropertyValues("pasarela.meta.graph-version=25", "pasarela.meta.graph-base-url=http://graph.test")
                .run(c -> assertThat(c).hasFailed().getFailure()
                        .hasStackTraceContaining("pasarela.meta.graph-version")
                        .hasStackTraceContaining("META_GRAPH_VERSION"));
        context.withPropertyValues("pasarela.meta.graph-timeout=soon")
                .run(c -> assertThat(c).hasFailed().getFailure().hasStackTraceContaining("pasarela.meta.graph-timeout"));
    }
}
