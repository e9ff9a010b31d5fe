package dev.pasarela.integrations.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store: a round trip on disk, signed links, and no way out of a tenant's folder. */
class DiskFileStoreTest {

    @TempDir
    Path dir;

    final Instant now = Instant.parse("2026-03-01T10:00:00Z");
    final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    DiskFileStore store(Clock clock) {
        return new DiskFileStore(dir.resolve("files"), json,
                DownloadTokens.fromKeyFile(dir.resolve("files/.key"), clock), "https://gw.example");
    }

    @Test
    void unArchivoSeGuardaSeListaYSeBorra() throws Exception {
        DiskFileStore store = store(Clock.fixed(now, ZoneOffset.UTC));
        byte[] jpeg = TestFiles.jpeg(8, 6);
        FilePath path = new FilePath("t1", FileKind.VEHICLES, "123", "a.jpg");
        assertThat(store.create(new StoredFile(path, jpeg.length, "image/jpeg", 8, 6, now), jpeg)).isTrue();
        assertThat(store.create(new StoredFile(path, 3, "image/jpeg", 1, 1, now), new byte[] {1, 2, 3}))
                .as("name taken").isFalse();
        assertThat(Files.readAllBytes(dir.resolve("files/tenants/t1/vehicles/123/a.jpg"))).isEqualTo(jpeg);
        assertThat(store.stat(path).orElseThrow().width()).as("the first upload's metadata kept").isEqualTo(8);

        assertThat(store.list("t1", FilePrefix.parse("vehicles/123")))
                .containsExactly(new StoredFile(path, jpeg.length, "image/jpeg", 8, 6, now));
        assertThat(store.list("t1", FilePrefix.ALL)).hasSize(1);
        assertThat(store.list("t1", FilePrefix.parse("vehicles/12"))).as("whole segments only").isEmpty();
        assertThat(store.list("t2", FilePrefix.ALL)).isEmpty();

        assertThat(store.delete(path)).isTrue();
        assertThat(store.delete(path)).isFalse();
        assertThat(store.list("t1", FilePrefix.ALL)).isEmpty();
    }

    @Test
    void unEnlaceFirmadoDaElArchivoHastaQueCaduca() {
        Instant[] t = {now};
        Clock clock = new Clock() {
            public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            public Clock withZone(java.time.ZoneId z) { return this; }
            public Instant instant() { return t[0]; }
        };
        DiskFileStore store = store(clock);
        DownloadTokens tokens = DownloadTokens.fromKeyFile(dir.resolve("files/.key"), clock);
        FilePath path = new FilePath("t1", FileKind.BRANDING, null, "logo.png");
        store.create(new StoredFile(path, 1, "image/png", 1, 1, now), TestFiles.png(1, 1));

        String url = store.signedDownloadUrl(path, Duration.ofMinutes(5)).toString();
        assertThat(url).startsWith("https://gw.example/files/download/");
        String token = url.substring(url.lastIndexOf('/') + 1);
        assertThat(tokens.verify(token)).contains("tenants/t1/branding/logo.png");
        assertThat(store.open(tokens.verify(token).orElseThrow())).isPresent();

        String[] parts = token.split("\\.");
        String otherName = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("tenants/t2/branding/logo.png".getBytes());
        assertThat(tokens.verify(otherName + "." + parts[1] + "." + parts[2])).as("another path, same signature").isEmpty();
        assertThat(tokens.verify(parts[0] + "." + (Long.parseLong(parts[1]) + 3600) + "." + parts[2])).as("longer expiry").isEmpty();

        t[0] = now.plus(Duration.ofMinutes(6));
        assertThat(tokens.verify(token)).as("expired").isEmpty();
    }

    @Test
    void ningunSegmentoPuedeSalirDeLaCarpetaDelTenant() {
        for (String bad : new String[] {"..", ".", "../t2", "a/b", "..jpg", "a..b", ".hidden", "", "a b", "ñ.jpg"}) {
            FileContentTest.assertProblem(() -> new FilePath("t1", FileKind.VEHICLES, "1", bad), 400, "name");
            FileContentTest.assertProblem(() -> new FilePath("t1", FileKind.VEHICLES, bad, "a.jpg"), 400, "ownerId");
            FileContentTest.assertProblem(() -> new FilePath(bad, FileKind.VEHICLES, "1", "a.jpg"), 400, "tenantId");
        }
        FileContentTest.assertProblem(() -> FilePrefix.parse("vehicles/../../t2"), 400, "prefix");
        FileContentTest.assertProblem(() -> FilePrefix.parse("../t2"), 400, "kind");
        assertThat(store(Clock.systemUTC()).open("../../etc/passwd")).isEmpty();
    }
}
