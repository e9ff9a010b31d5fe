package dev.pasarela;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan // each concern's and integration's validated settings record, in its own package
public class PasarelaApplication {
    public static void main(String[] args) {
        SpringApplication.run(PasarelaApplication.class, args);
    }
}
