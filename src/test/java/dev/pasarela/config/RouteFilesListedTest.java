package dev.pasarela.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.ClassPathResource;

/**
 * The gateway loads its YAML routes by name, not by a wildcard (application.yml says why): so a file
 * added to {@code routes/} and not named there would never be loaded, and a name without its file would
 * fail the start. Both are caught here.
 */
class RouteFilesListedTest {

    private static final String PREFIX = "classpath:camel/";

    @Test
    void everyRouteFileIsLoadedByNameAndEveryNameIsAFile() throws IOException {
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new ClassPathResource("application.yml"));
        Properties properties = yaml.getObject();
        String pattern = properties.getProperty("camel.main.routes-include-pattern");
        List<String> listed = Arrays.stream(pattern.split(",")).map(String::trim).toList();

        assertThat(listed).as("no wildcard: it scans every jar nested in the packaged one")
                .noneMatch(name -> name.contains("*"))
                .allMatch(name -> name.startsWith(PREFIX));
        List<String> files;
        try (Stream<Path> routes = Files.list(Path.of("routes"))) {
            files = routes.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".camel.yaml")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        assertThat(listed.stream().map(name -> name.substring(PREFIX.length())).sorted().toList())
                .as("camel.main.routes-include-pattern against the files of routes/")
                .isEqualTo(files);
    }
}
