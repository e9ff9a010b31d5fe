package dev.pasarela.integrations.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.storage.StorageOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import dev.pasarela.config.DataDirProperties;

/** The file store: the bucket when {@code FIREBASE_STORAGE_BUCKET} is set, else the data directory. */
@Configuration(proxyBeanMethods = false)
public class StorageConfiguration {

    private static final Logger log = LoggerFactory.getLogger(StorageConfiguration.class);

    @Bean
    DownloadTokens downloadTokens(DataDirProperties dirs, Clock clock) {
        return DownloadTokens.fromKeyFile(dirs.resolve("files").resolve(".download-url.key"), clock);
    }

    @Bean
    FileStore fileStore(StorageProperties props, DataDirProperties dirs, ObjectMapper json, DownloadTokens tokens) {
        if (!props.cloud()) {
            log.info("Tenant files: on disk under the data directory (no FIREBASE_STORAGE_BUCKET)");
            return new DiskFileStore(dirs.resolve("files"), json, tokens, props.publicBaseUrl());
        }
        StorageOptions.Builder options = StorageOptions.newBuilder().setCredentials(credentials(props));
        if (!props.projectId().isBlank()) {
            options.setProjectId(props.projectId());
        }
        log.info("Tenant files: Cloud Storage bucket {}", props.bucket());
        return new CloudFileStore(options.build().getService(), props.bucket());
    }

    /** The service account's key when given (URLs are then signed locally), else Application Default Credentials. */
    private static GoogleCredentials credentials(StorageProperties props) {
        try {
            if (!props.clientEmail().isBlank()) {
                // env files often carry the PEM with literal \n sequences
                return ServiceAccountCredentials.fromPkcs8(null, props.clientEmail(),
                        props.privateKey().replace("\\n", "\n"), null,
                        List.of("https://www.googleapis.com/auth/devstorage.read_write"));
            }
            return GoogleCredentials.getApplicationDefault();
        } catch (IOException e) {
            throw new IllegalStateException("FIREBASE_PRIVATE_KEY is not a valid PKCS#8 PEM key"
                    + " (or no application default credentials): " + e.getClass().getSimpleName(), e);
        }
    }
}
