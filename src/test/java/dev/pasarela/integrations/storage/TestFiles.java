package dev.pasarela.integrations.storage;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;

/** Real tiny files: images written by ImageIO, a WebP header built by hand, a minimal PDF. */
final class TestFiles {

    private TestFiles() {
    }

    static byte[] image(String format, int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xC0FFEE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] jpeg(int width, int height) {
        return image("jpeg", width, height);
    }

    static byte[] png(int width, int height) {
        return image("png", width, height);
    }

    /** A lossy WebP's header (RIFF, VP8 chunk, frame tag, start code, 14-bit sizes) and some padding. */
    static byte[] webpLossy(int width, int height) {
        byte[] b = new byte[40];
        put(b, 0, "RIFF");
        le32(b, 4, b.length - 8);
        put(b, 8, "WEBP");
        put(b, 12, "VP8 ");
        le32(b, 16, b.length - 20);
        b[20] = 0x10; // frame tag: key frame
        b[23] = (byte) 0x9D;
        b[24] = 0x01;
        b[25] = 0x2A;
        b[26] = (byte) (width & 0xFF);
        b[27] = (byte) ((width >> 8) & 0x3F);
        b[28] = (byte) (height & 0xFF);
        b[29] = (byte) ((height >> 8) & 0x3F);
        return b;
    }

    /** A lossless WebP's header: signature 0x2F, then width-1 and height-1 in 14 bits each. */
    static byte[] webpLossless(int width, int height) {
        byte[] b = new byte[40];
        put(b, 0, "RIFF");
        le32(b, 4, b.length - 8);
        put(b, 8, "WEBP");
        put(b, 12, "VP8L");
        le32(b, 16, b.length - 20);
        b[20] = 0x2F;
        le32(b, 21, (width - 1) | (height - 1) << 14);
        return b;
    }

    /** An extended WebP's header: VP8X with a 24-bit canvas width-1 and height-1. */
    static byte[] webpExtended(int width, int height) {
        byte[] b = new byte[40];
        put(b, 0, "RIFF");
        le32(b, 4, b.length - 8);
        put(b, 8, "WEBP");
        put(b, 12, "VP8X");
        le32(b, 16, 10);
        int w = width - 1;
        int h = height - 1;
        b[24] = (byte) w;
        b[25] = (byte) (w >> 8);
        b[26] = (byte) (w >> 16);
        b[27] = (byte) h;
        b[28] = (byte) (h >> 8);
        b[29] = (byte) (h >> 16);
        return b;
    }

    static byte[] pdf() {
        return "%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);
    }

    private static void put(byte[] b, int at, String ascii) {
        byte[] s = ascii.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(s, 0, b, at, s.length);
    }

    private static void le32(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >> 8);
        b[at + 2] = (byte) (v >> 16);
        b[at + 3] = (byte) (v >> 24);
    }
}
