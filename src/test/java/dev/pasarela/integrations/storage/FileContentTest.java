package dev.pasarela.integrations.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pasarela.api.ProblemException;
import org.junit.jupiter.api.Test;

/** Content is known by its first bytes, never by its name; each kind keeps only its types and sizes. */
class FileContentTest {

    static final long MB = 1024 * 1024;

    @Test
    void unJpegRealSeReconoceYSeLeenSusDimensiones() {
        FileContent.Checked c = FileContent.check(FileKind.VEHICLES, "foto.jpg", TestFiles.jpeg(64, 48), 10 * MB);
        assertThat(c.type()).isEqualTo(FileType.JPEG);
        assertThat(c.width()).isEqualTo(64);
        assertThat(c.height()).isEqualTo(48);
    }

    @Test
    void unPngSinNombreSeReconocePorSusBytes() {
        FileContent.Checked c = FileContent.check(FileKind.BRANDING, null, TestFiles.png(120, 30), 10 * MB);
        assertThat(c.type()).isEqualTo(FileType.PNG);
        assertThat(c.width()).isEqualTo(120);
        assertThat(c.height()).isEqualTo(30);
    }

    @Test
    void lasTresCabecerasWebpDanSusDimensiones() {
        assertThat(FileContent.check(FileKind.VEHICLES, "a.webp", TestFiles.webpLossy(800, 600), MB))
                .isEqualTo(new FileContent.Checked(FileType.WEBP, 800, 600));
        assertThat(FileContent.check(FileKind.VEHICLES, "a.webp", TestFiles.webpLossless(1024, 768), MB))
                .isEqualTo(new FileContent.Checked(FileType.WEBP, 1024, 768));
        assertThat(FileContent.check(FileKind.VEHICLES, "a.webp", TestFiles.webpExtended(16_384, 3), MB)) // more than 14 bits: VP8X sizes are 24-bit
                .isEqualTo(new FileContent.Checked(FileType.WEBP, 16_384, 3));
    }

    @Test
    void unPdfEsLoUnicoQueAceptaUnaVenta() {
        assertThat(FileContent.check(FileKind.SALES, "contrato.pdf", TestFiles.pdf(), MB).type()).isEqualTo(FileType.PDF);
        assertThat(FileContent.check(FileKind.SALES, "contrato.pdf", TestFiles.pdf(), MB).width()).isNull();
        assertProblem(() -> FileContent.check(FileKind.SALES, "foto.jpg", TestFiles.jpeg(4, 4), MB), 415,
                "image/jpeg");
    }

    @Test
    void unPdfLlamadoJpgSeRechazaNombrandoElTipoDetectado() {
        assertProblem(() -> FileContent.check(FileKind.VEHICLES, "foto.jpg", TestFiles.pdf(), MB), 415,
                "application/pdf");
        // where PDFs are welcome, a name that lies is still refused
        assertProblem(() -> FileContent.check(FileKind.SALES, "foto.jpg", TestFiles.pdf(), MB), 415,
                "application/pdf");
    }

    @Test
    void unaCabeceraQueDeclaraDimensionesImposiblesSeRechaza() {
        // a 30-byte VP8X saying 16384×16384 (268 megapixels): a bomb for whoever decodes it later
        assertProblem(() -> FileContent.check(FileKind.VEHICLES, "a.webp", TestFiles.webpExtended(16_384, 16_384), MB),
                422, "megapixels");
        assertThat(FileContent.check(FileKind.VEHICLES, "a.webp", TestFiles.webpExtended(8_000, 6_000), MB).width())
                .isEqualTo(8_000);
    }

    @Test
    void unArchivoVacioEsUn400() {
        assertProblem(() -> FileContent.check(FileKind.VEHICLES, "x.jpg", new byte[0], MB), 400, "no bytes");
    }

    @Test
    void unArchivoDemasiadoGrandeEsUn413() {
        byte[] big = new byte[(int) MB + 1];
        System.arraycopy(TestFiles.jpeg(2, 2), 0, big, 0, 3);
        assertProblem(() -> FileContent.check(FileKind.VEHICLES, "x.jpg", big, MB), 413, String.valueOf(MB));
    }

    @Test
    void unosBytesDesconocidosOUnaImagenIlegibleSeRechazan() {
        assertProblem(() -> FileContent.check(FileKind.VEHICLES, "x.jpg", "GIF89a......".getBytes(), MB), 415,
                "image/jpeg, image/png, image/webp");
        byte[] truncated = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0, 0};
        assertProblem(() -> FileContent.check(FileKind.VEHICLES, "x.jpg", truncated, MB), 422, "dimensions");
    }

    static void assertProblem(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, int status, String inDetail) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ProblemException.class, p -> {
            assertThat(p.status()).isEqualTo(status);
            assertThat(p.detail()).contains(inDetail);
        });
    }
}
