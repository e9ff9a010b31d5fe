package dev.pasarela.integrations.storage;

import dev.pasarela.api.ProblemException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * A PNG or WebP image re-encoded as JPEG (quality 0.9), transparency flattened onto white: what
 * Instagram's publishing API takes. WebP is read by TwelveMonkeys' ImageIO plugin; the JDK reads PNG.
 */
final class JpegRendition {

    record Jpeg(byte[] bytes, int width, int height) {
    }

    private JpegRendition() {
    }

    static Jpeg of(byte[] image) {
        BufferedImage source;
        try {
            source = ImageIO.read(new ByteArrayInputStream(image));
        } catch (IOException | RuntimeException e) {
            source = null;
        }
        if (source == null) {
            throw new ProblemException(422, "image-unreadable", "Image cannot be converted",
                    "The image could not be decoded to convert it to JPEG.");
        }
        BufferedImage rgb = new BufferedImage(source.getWidth(), source.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, rgb.getWidth(), rgb.getHeight());
            g.drawImage(source, 0, 0, null);
        } finally {
            g.dispose();
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.9f);
            writer.write(null, new IIOImage(rgb, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode a JPEG", e);
        } finally {
            writer.dispose();
        }
        return new Jpeg(out.toByteArray(), rgb.getWidth(), rgb.getHeight());
    }
}
