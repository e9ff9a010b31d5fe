package dev.pasarela.integrations.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pasarela.api.ProblemException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class JpegRenditionTest {

    @Test
    void aTransparentPngBecomesAJpegOnWhite() throws Exception {
        BufferedImage png = new BufferedImage(40, 30, BufferedImage.TYPE_INT_ARGB); // fully transparent
        png.setRGB(5, 5, 0xFF0000FF); // one opaque blue pixel
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(png, "png", out);
        JpegRendition.Jpeg jpeg = JpegRendition.of(out.toByteArray());
        assertThat(FileContent.detect(jpeg.bytes())).contains(FileType.JPEG);
        assertThat(jpeg.width()).isEqualTo(40);
        assertThat(jpeg.height()).isEqualTo(30);
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(jpeg.bytes()));
        assertThat(back.getRGB(30, 20) & 0xFFFFFF).as("transparent → white").isGreaterThan(0xF0F0F0);
    }

    @Test
    void aWebpIsDecodedAndConverted() {
        byte[] webp = Base64.getDecoder().decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==");
        JpegRendition.Jpeg jpeg = JpegRendition.of(webp);
        assertThat(FileContent.detect(jpeg.bytes())).contains(FileType.JPEG);
        assertThat(jpeg.width()).isEqualTo(1);
    }

    @Test
    void aWideImageIsDecodedSubsampledToInstagramsWidth() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(4000, 1000, BufferedImage.TYPE_INT_RGB), "png", out);
        JpegRendition.Jpeg jpeg = JpegRendition.of(out.toByteArray());
        assertThat(jpeg.width()).isLessThanOrEqualTo(JpegRendition.MAX_WIDTH).isGreaterThan(1000);
        assertThat((double) jpeg.width() / jpeg.height()).isCloseTo(4.0, org.assertj.core.data.Offset.offset(0.05));
    }

    @Test
    void undecodableBytesAreAClearProblem() {
        assertThatThrownBy(() -> JpegRendition.of(new byte[] {'R', 'I', 'F', 'F', 0, 0}))
                .isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.status()).isEqualTo(422));
    }
}
