package dev.pasarela.integrations.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** Email's settings keep their documented names (pasarela.email.*, pasarela.sendgrid/resend.api-base). */
class EmailPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(EmailProperties.class)
    static class Config {
    }

    final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Config.class);

    @Test
    void bindsTheDocumentedNamesAndDefaults() {
        context.withPropertyValues("pasarela.sendgrid.api-base=http://sendgrid.test", "pasarela.email.primary=resend",
                        "pasarela.email.from=Autos <no-reply@autos.example>", "pasarela.email.breaker.open-for=PT1M",
                        "pasarela.sendgrid.webhook-public-key=unrelated")
                .run(c -> {
                    EmailProperties p = c.getBean(EmailProperties.class);
                    assertThat(p.sendgrid().apiBase()).isEqualTo("http://sendgrid.test");
                    assertThat(p.resend().apiBase()).isEqualTo("https://api.resend.com");
                    assertThat(p.email().primary()).isEqualTo("resend");
                    assertThat(p.email().from()).isEqualTo("Autos <no-reply@autos.example>");
                    assertThat(p.email().timeout()).isEqualTo(Duration.ofSeconds(10));
                    assertThat(p.email().breaker().openFor()).isEqualTo(Duration.ofMinutes(1));
                });
    }

    @Test
    void anUnknownPrimaryProviderStopsTheStartNamingIt() {
        context.withPropertyValues("pasarela.email.primary=mailgun")
                .run(c -> assertThat(c).hasFailed().getFailure()
                        .hasStackTraceContaining("pasarela.email.primary")
                        .hasStackTraceContaining("PASARELA_EMAIL_PRIMARY"));
    }
}
