package dev.pasarela.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevOpsTokenFileTest {

    @Test
    void theDevTokenIsWrittenForItsOwnerOnlyAndReplacesAnOldOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("data").resolve(OpsSecurityConfiguration.DEV_TOKEN_FILE);
        OpsSecurityConfiguration.writeOwnerOnly(file, "first-token");
        OpsSecurityConfiguration.writeOwnerOnly(file, "second-token");
        assertThat(Files.readString(file)).isEqualTo("second-token\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }
}
