package dev.pasarela.integrations.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What stops the start: an expiry V4 signing would refuse, half a service account. */
class StoragePropertiesTest {

    static StorageProperties props(Duration expiry, String email, String key) {
        return new StorageProperties("", "", email, key, 10, 20, expiry, "");
    }

    @Test
    void laCaducidadVaDeUnSegundoASieteDias() {
        assertThat(props(Duration.ofMinutes(15), "", "").problems()).isEmpty();
        assertThat(props(Duration.ofDays(7), "", "").problems()).isEmpty();
        assertThat(props(Duration.ofDays(8), "", "").problems()).singleElement().asString().contains("PASARELA_STORAGE_URL_EXPIRY");
        assertThat(props(Duration.ZERO, "", "").problems()).hasSize(1);
    }

    @Test
    void laCuentaDeServicioVaEntera() {
        assertThat(props(Duration.ofMinutes(1), "a@b.iam.gserviceaccount.com", "").problems())
                .singleElement().asString().contains("FIREBASE_PRIVATE_KEY");
    }

    @Test
    void cadaTipoTieneSuLimite() {
        StorageProperties p = props(Duration.ofMinutes(1), "", "");
        assertThat(p.maxBytes(FileKind.SALES)).isEqualTo(20);
        assertThat(p.maxBytes(FileKind.VEHICLES)).isEqualTo(10);
        assertThat(p.maxBytes(FileKind.BRANDING)).isEqualTo(10);
    }
}
