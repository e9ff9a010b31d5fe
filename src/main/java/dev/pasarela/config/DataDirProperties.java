package dev.pasarela.config;

import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code PASARELA_DATA_DIR}: where everything the gateway keeps on local disk lives (the broker's
 * journal, the embedded database, tenant files, the in-process model's native library). Made
 * absolute at start by {@code pipeline.DataDirectory}.
 */
@Validated
@ConfigurationProperties("pasarela")
public record DataDirProperties(@NotNull @DefaultValue("./data") Path dataDir) {

    /** A directory under the data directory, absolute and normalised. */
    public Path resolve(String child) {
        return dataDir.resolve(child).toAbsolutePath().normalize();
    }
}
