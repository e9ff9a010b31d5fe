package dev.pasarela.tenants;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pasarela.api.ProblemException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Upserts the tenants of {@code PASARELA_TENANTS_FILE} at start-up (format in
 * {@code config/tenants.example.yml}). A bad file stops the start with the variable named.
 */
@Component
public class TenantsFileLoader implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(TenantsFileLoader.class);

    record Entry(String id, String name, String plan, String timezone, Map<String, String> identities,
                 String callbackUrl, Messaging messaging) {}

    record File(List<Entry> tenants) {}

    private final TenantRepository tenants;
    private final String location;

    public TenantsFileLoader(TenantRepository tenants, TenantFilesProperties files) {
        this.tenants = tenants;
        this.location = files.tenantsFile();
    }

    @Override
    public void afterPropertiesSet() {
        if (location.isBlank()) {
            return;
        }
        Path path = Path.of(location);
        File file;
        try {
            // a YAML reader of its own: Boot's mapper reads JSON only and ignores unknown keys, while a
            // mistyped key in this operator-written file must stop the start
            file = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(Files.readAllBytes(path), File.class);
        } catch (IOException e) {
            throw new IllegalStateException("PASARELA_TENANTS_FILE: cannot read " + path + ": " + e.getMessage(), e);
        }
        if (file == null || file.tenants() == null) {
            throw new IllegalStateException("PASARELA_TENANTS_FILE: " + path + " has no 'tenants:' list");
        }
        int created = 0;
        for (Entry e : file.tenants()) {
            if (e.id() == null) {
                throw new IllegalStateException("PASARELA_TENANTS_FILE: every tenant needs an id");
            }
            try {
                if (tenants.seed(e.id(), new TenantProfile(e.name(), e.plan(), e.timezone(), e.identities(),
                        e.callbackUrl(), e.messaging()))) {
                    created++;
                }
            } catch (ProblemException p) {
                throw new IllegalStateException("PASARELA_TENANTS_FILE: tenant " + e.id() + ": " + p.detail(), p);
            }
        }
        log.info("Tenants file {}: {} tenants upserted ({} new)", path, file.tenants().size(), created);
    }
}
