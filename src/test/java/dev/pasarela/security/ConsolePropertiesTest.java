package dev.pasarela.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConsolePropertiesTest {

    @Test
    void aShortPasswordIsRefusedEvenMarkedAsPlainText() {
        assertThat(new ConsoleProperties("operator", "short", false, 5, java.time.Duration.ofMinutes(15)).problems()).singleElement()
                .asString().contains("PASARELA_CONSOLE_PASSWORD");
        assertThat(new ConsoleProperties("operator", "{noop}short-ten", false, 5, java.time.Duration.ofMinutes(15)).problems()).hasSize(1);
        assertThat(new ConsoleProperties("operator", "{noop}a-long-enough-password", false, 5, java.time.Duration.ofMinutes(15)).problems()).isEmpty();
        assertThat(new ConsoleProperties("operator", "{foo}x", false, 5, java.time.Duration.ofMinutes(15)).problems()).hasSize(1);
    }

    @Test
    void aHashedPasswordIsTakenAsItIs() {
        assertThat(new ConsoleProperties("operator",
                "{bcrypt}$2a$10$dXJ3SW6G7P50lGmMkkmwe.20cQQubK3.HZWzG3YB1tlRy.fqvM/BG", false, 5, java.time.Duration.ofMinutes(15)).problems()).isEmpty();
    }
}
