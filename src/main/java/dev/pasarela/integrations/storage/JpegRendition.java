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
import java.util.Iterator;
import java.util.concurrent.Semaphore;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * A PNG or WebP image re-encoded as JPEG (quality 0.9), transparency flattened onto white: what
 * Instagram's publishing API takes. WebP is read by TwelveMonkeys' ImageIO plugin; the JDK reads PNG.
 * Images wider than {@link #MAX_WIDTH} (Instagram's largest, which it would scale to anyway) are
 * decoded subsampled, so a 50-megapixel upload costs a few megabytes of heap, not hundreds; and at
 * most two conversions run at once.
 */
final class JpegRendition {

    record Jpeg(byte[] bytes, int width, int height) {
    }

    static final int MAX_WIDTH = 1440;
    private static final Semaphore CONVERSIONS = new Semaphore(2);

    private JpegRendition() {
    }

    static Jpeg of(byte[] image) {
        try {
            CONVERSIONS.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to convert an image", e);
        }
        try {
            return convert(image);
        } finally {
            CONVERSIONS.release();
        }
    }

    private static BufferedImage decode(byte[] image) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(image))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (in == null || !readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                ImageReadParam param = reader.getDefaultReadParam();
                int step = (reader.getWidth(0) + MAX_WIDTH - 1) / MAX_WIDTH;
                if (step > 1) {
                    param.setSourceSubsampling(step, step, 0, 0);
                }
                return reader.read(0, param);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Jpeg convert(byte[] image) {
        BufferedImage source = decode(image);
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
