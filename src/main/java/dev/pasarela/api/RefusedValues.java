package dev.pasarela.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What a log may say about a value the gateway refused: its length and a hash, never the value
 * (a refused header can be an API key sent in the wrong place). The hash lets an operator match
 * a caller's report ("I sent X") against the log without the log holding X.
 */
public final class RefusedValues {

    private RefusedValues() {}

    /** {@code <12 chars, sha256 1a2b3c4d>} */
    public static String fingerprint(String value) {
        if (value == null) {
            return "<none>";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return "<" + value.length() + " chars, sha256 " + HexFormat.of().formatHex(digest, 0, 4) + ">";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A container's or firewall's message with the value it quotes replaced by its fingerprint.
     * Spring Security quotes values ("…"), Tomcat brackets them ([…]); a value may itself hold
     * quotes or brackets, so everything from the first opening mark to the last closing one goes.
     */
    public static String redact(String message) {
        if (message == null) {
            return "";
        }
        int open = firstOf(message, '"', '[');
        if (open < 0) {
            return clean(message);
        }
        int close = Math.max(message.lastIndexOf('"'), message.lastIndexOf(']'));
        if (close <= open) {
            return clean(message.substring(0, open)) + fingerprint(message.substring(open + 1));
        }
        return clean(message.substring(0, open)) + fingerprint(message.substring(open + 1, close))
                + clean(message.substring(close + 1));
    }

    private static int firstOf(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }

    private static String clean(String s) {
        return s.replaceAll("[\\p{Cntrl}\\x80-\\x{10FFFF}]", "?");
    }
}
