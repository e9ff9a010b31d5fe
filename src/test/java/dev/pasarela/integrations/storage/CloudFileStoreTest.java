package dev.pasarela.integrations.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import java.net.URI;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The Cloud Storage adapter against google-cloud-nio's in-memory {@code Storage} (the Storage
 * emulator cannot start offline). Signing is local with a generated service-account key, as in
 * production with {@code FIREBASE_PRIVATE_KEY}; that Cloud Storage accepts the URL is not tested here.
 */
class CloudFileStoreTest {

    static final String BUCKET = "demo-pasarela.firebasestorage.app";
    final Instant now = Instant.parse("2026-03-01T10:00:00Z");

    static Storage storage() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        ServiceAccountCredentials sa = ServiceAccountCredentials.newBuilder()
                .setClientEmail("pasarela@demo-pasarela.iam.gserviceaccount.com")
                .setPrivateKey(gen.generateKeyPair().getPrivate()).build();
        return LocalStorageHelper.customOptions(false).toBuilder().setCredentials(sa).build().getService();
    }

    @Test
    void unArchivoSeGuardaConSusMetadatosSeListaYSeBorra() throws Exception {
        Storage storage = storage();
        CloudFileStore store = new CloudFileStore(storage, BUCKET);
        byte[] jpeg = TestFiles.jpeg(8, 6);
        FilePath path = new FilePath("t1", FileKind.VEHICLES, "123", "a.jpg");
        StoredFile file = new StoredFile(path, jpeg.length, "image/jpeg", 8, 6, now);

        assertThat(store.create(file, jpeg)).isTrue();
        assertThat(storage.readAllBytes(BlobId.of(BUCKET, "tenants/t1/vehicles/123/a.jpg"))).isEqualTo(jpeg);
        assertThat(store.stat(path)).contains(file);
        assertThat(store.list("t1", FilePrefix.parse("vehicles"))).containsExactly(file);
        assertThat(store.list("t1", FilePrefix.parse("vehicles/12"))).isEmpty();
        assertThat(store.list("t1", FilePrefix.parse("sales"))).isEmpty();
        assertThat(store.list("t2", FilePrefix.ALL)).isEmpty();

        assertThat(store.delete(path)).isTrue();
        assertThat(store.delete(path)).isFalse();
        assertThat(store.list("t1", FilePrefix.ALL)).isEmpty();
    }

    /**
     * The in-memory fake ignores preconditions, so this checks what the adapter asks of Cloud
     * Storage (only if absent: generation 0) and how it reads the 412 it answers when the name is taken.
     */
    @Test
    void unNombreOcupadoNoSeSobrescribe() {
        Storage storage = org.mockito.Mockito.mock(Storage.class);
        org.mockito.Mockito.when(storage.create(org.mockito.ArgumentMatchers.any(com.google.cloud.storage.BlobInfo.class),
                org.mockito.ArgumentMatchers.any(byte[].class), org.mockito.ArgumentMatchers.eq(Storage.BlobTargetOption.doesNotExist())))
                .thenThrow(new com.google.cloud.storage.StorageException(412, "conditionNotMet"));
        CloudFileStore store = new CloudFileStore(storage, BUCKET);
        FilePath path = new FilePath("t1", FileKind.SALES, "s-9", "contrato.pdf");
        byte[] pdf = TestFiles.pdf();
        assertThat(store.create(new StoredFile(path, pdf.length, "application/pdf", null, null, now), pdf)).isFalse();
    }

    @Test
    void laUrlDeDescargaEsUnaV4FirmadaConLaCaducidadPedida() throws Exception {
        CloudFileStore store = new CloudFileStore(storage(), BUCKET);
        FilePath path = new FilePath("t1", FileKind.BRANDING, null, "logo.png");
        URI url = store.signedDownloadUrl(path, Duration.ofMinutes(15));
        assertThat(url.getPath()).isEqualTo("/" + BUCKET + "/tenants/t1/branding/logo.png");
        assertThat(url.getQuery()).contains("X-Goog-Algorithm=GOOG4-RSA-SHA256", "X-Goog-Expires=900",
                "X-Goog-Credential=pasarela@demo-pasarela.iam.gserviceaccount.com", "X-Goog-Signature=");
    }

    @Test
    void laUrlDeSubidaFirmaElPutYElTipo() throws Exception {
        CloudFileStore store = new CloudFileStore(storage(), BUCKET);
        FilePath path = new FilePath("t1", FileKind.VEHICLES, "v1", "a.webp");
        URI url = store.signedUploadUrl(path, FileType.WEBP, Duration.ofMinutes(10));
        assertThat(url.getPath()).isEqualTo("/" + BUCKET + "/tenants/t1/vehicles/v1/a.webp");
        assertThat(url.getQuery()).contains("X-Goog-Expires=600", "X-Goog-SignedHeaders=content-type;host");
        assertThat(url.toString()).isNotEqualTo(store.signedDownloadUrl(path, Duration.ofMinutes(10)).toString());
    }
}
