package dev.pasarela.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.config.DataDirProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;

/** The dev profile's generated console password is written where the README says, for its owner only, and opens the console. */
class DevConsolePasswordFileTest {

    @Test
    void theGeneratedPasswordIsWrittenOwnerOnlyAndLogsTheOperatorIn(@TempDir Path dir) throws Exception {
        ConsoleProperties dev = new ConsoleProperties("operator", "", true, 5, Duration.ofMinutes(15));
        DaoAuthenticationProvider operator = ConsoleSecurityConfiguration.operator(dev, new DataDirProperties(dir.resolve("data")));
        Path file = dir.resolve("data").resolve(ConsoleSecurityConfiguration.DEV_PASSWORD_FILE);
        assertThat(file.getFileName().toString()).isEqualTo("dev-console-password");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String password = Files.readString(file).strip();
        assertThat(password).hasSizeGreaterThanOrEqualTo(ConsoleProperties.MIN_LENGTH);
        assertThat(operator.authenticate(UsernamePasswordAuthenticationToken.unauthenticated("operator", password))
                .isAuthenticated()).isTrue();

        // the next start makes a new one and replaces the file
        ConsoleSecurityConfiguration.operator(dev, new DataDirProperties(dir.resolve("data")));
        assertThat(Files.readString(file).strip()).isNotEqualTo(password);
    }

    @Test
    void aConfiguredPasswordIsNeverWritten(@TempDir Path dir) {
        ConsoleSecurityConfiguration.operator(new ConsoleProperties("operator", "a-configured-password-0123", false, 5,
                Duration.ofMinutes(15)), new DataDirProperties(dir));
        assertThat(dir.resolve(ConsoleSecurityConfiguration.DEV_PASSWORD_FILE)).doesNotExist();
    }
}
