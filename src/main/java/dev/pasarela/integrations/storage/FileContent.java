package dev.pasarela.integrations.storage;

import dev.pasarela.api.ProblemException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * What an uploaded file really is, from its first bytes and never from its name or declared
 * content type, and whether its kind may keep it. Images get their dimensions read from the
 * header only (no pixels decoded, so a decompression bomb costs nothing).
 */
public final class FileContent {

    /** A checked file: its type and, for images, its size in pixels. */
    public record Checked(FileType type, Integer width, Integer height) {
    }

    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    private static final byte[] PDF = {'%', 'P', 'D', 'F', '-'};

    private FileContent() {
    }

    /** The type of the bytes, if they are one the gateway keeps. */
    public static Optional<FileType> detect(byte[] b) {
        if (startsWith(b, 0, JPEG)) {
            return Optional.of(FileType.JPEG);
        }
        if (startsWith(b, 0, PNG)) {
            return Optional.of(FileType.PNG);
        }
        if (b.length >= 12 && startsWith(b, 0, "RIFF".getBytes()) && startsWith(b, 8, "WEBP".getBytes())) {
            return Optional.of(FileType.WEBP);
        }
        if (startsWith(b, 0, PDF)) {
            return Optional.of(FileType.PDF);
        }
        return Optional.empty();
    }

    /**
     * Refuses an empty file (400), one over the kind's size limit (413), one whose bytes are not a
     * type the kind accepts (415, naming what was found), and one whose name claims another type
     * than its bytes (415): a PDF named {@code .jpg} is refused even where PDFs are welcome, as a
     * name that lies would mislead whoever downloads it.
     */
    public static Checked check(FileKind kind, String fileName, byte[] bytes, long maxBytes) {
        if (bytes.length == 0) {
            throw new ProblemException(400, "empty-file", "Empty file", "The uploaded file has no bytes.");
        }
        if (bytes.length > maxBytes) {
            throw new ProblemException(413, "file-too-large", "File too large",
                    "A " + kind.segment() + " file may have up to " + maxBytes + " bytes; this one has " + bytes.length + ".");
        }
        String accepted = kind.accepted().stream().map(FileType::mediaType).sorted().collect(Collectors.joining(", "));
        FileType type = detect(bytes).orElseThrow(() -> new ProblemException(415, "unsupported-file-type",
                "Unsupported file type", "The file's content is not one of " + accepted + "."));
        if (!kind.accepted().contains(type)) {
            throw new ProblemException(415, "unsupported-file-type", "Unsupported file type",
                    "The file's content is " + type.mediaType() + "; " + kind.segment() + " accepts " + accepted + ".");
        }
        FileType.ofExtension(fileName).filter(claimed -> claimed != type).ifPresent(claimed -> {
            throw new ProblemException(415, "file-type-mismatch", "File type does not match its name",
                    "The file is named as " + claimed.mediaType() + " but its content is " + type.mediaType() + ".");
        });
        if (!type.image()) {
            return new Checked(type, null, null);
        }
        int[] size = type == FileType.WEBP ? webpSize(bytes) : imageIoSize(type, bytes);
        if (size == null || size[0] <= 0 || size[1] <= 0) {
            throw new ProblemException(422, "unreadable-image", "Unreadable image",
                    "The file starts as " + type.mediaType() + " but its dimensions cannot be read.");
        }
        // only the header is read here, but a bomb stored now would be decoded later (a JPEG conversion
        // for Instagram, a thumbnail): refuse sizes no camera makes
        if (size[0] > MAX_SIDE || size[1] > MAX_SIDE || (long) size[0] * size[1] > MAX_PIXELS) {
            throw new ProblemException(422, "image-too-large", "Image dimensions too large",
                    "The image is " + size[0] + "×" + size[1] + " pixels; at most " + MAX_SIDE + " on a side and "
                            + MAX_PIXELS / 1_000_000 + " megapixels are accepted.");
        }
        return new Checked(type, size[0], size[1]);
    }

    static final int MAX_SIDE = 16_384;
    static final long MAX_PIXELS = 50_000_000L;

    /** Width and height from the JPEG/PNG header through ImageIO's reader, without decoding pixels. */
    static int[] imageIoSize(FileType type, byte[] bytes) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByMIMEType(type.mediaType());
        if (!readers.hasNext()) {
            return null;
        }
        ImageReader reader = readers.next();
        // in memory: ImageIO's default stream caches to a temporary file, which a read-only /tmp refuses
        try (ImageInputStream in = new javax.imageio.stream.MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            return new int[] {reader.getWidth(0), reader.getHeight(0)};
        } catch (IOException | RuntimeException e) {
            return null;
        } finally {
            reader.dispose();
        }
    }

    /**
     * The JDK has no WebP reader, so the header is read here (RFC 9649): after {@code RIFF....WEBP}
     * comes one of the chunks VP8 (lossy: 14-bit sizes after the start code 9D 01 2A), VP8L
     * (lossless: 14-bit sizes minus one after the signature 0x2F) or VP8X (extended: 24-bit canvas
     * sizes minus one).
     */
    static int[] webpSize(byte[] b) {
        if (b.length < 30) {
            return null;
        }
        String chunk = new String(b, 12, 4, java.nio.charset.StandardCharsets.US_ASCII);
        return switch (chunk) {
            case "VP8 " -> (b[23] & 0xFF) == 0x9D && (b[24] & 0xFF) == 0x01 && (b[25] & 0xFF) == 0x2A
                    ? new int[] {u16(b, 26) & 0x3FFF, u16(b, 28) & 0x3FFF} : null;
            case "VP8L" -> {
                if ((b[20] & 0xFF) != 0x2F) {
                    yield null;
                }
                int bits = (b[21] & 0xFF) | (b[22] & 0xFF) << 8 | (b[23] & 0xFF) << 16 | (b[24] & 0xFF) << 24;
                yield new int[] {(bits & 0x3FFF) + 1, ((bits >>> 14) & 0x3FFF) + 1};
            }
            case "VP8X" -> new int[] {u24(b, 24) + 1, u24(b, 27) + 1};
            default -> null;
        };
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    private static int u24(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16;
    }

    private static boolean startsWith(byte[] b, int offset, byte[] magic) {
        return b.length >= offset + magic.length
                && Arrays.equals(b, offset, offset + magic.length, magic, 0, magic.length);
    }
}
