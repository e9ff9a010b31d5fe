package dev.pasarela.pipeline;

import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Makes {@code pasarela.data-dir} ({@code PASARELA_DATA_DIR}) absolute before anything uses it:
 * H2 refuses implicitly relative file URLs, and the broker journal and the database must agree
 * on one directory whatever the working directory.
 */
public class DataDirectory implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        String dir = env.getProperty("pasarela.data-dir", "./data");
        env.getPropertySources().addFirst(new MapPropertySource("pasarelaDataDir",
                Map.of("pasarela.data-dir", Path.of(dir).toAbsolutePath().normalize().toString())));
    }
}
