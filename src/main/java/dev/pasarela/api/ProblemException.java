package dev.pasarela.api;

/**
 * A request the gateway refuses, answered as RFC 9457 problem+json. {@code type} is the last
 * segment of the problem type URI ({@code https://pasarela.dev/problems/<type>}).
 */
public class ProblemException extends RuntimeException {
    private final int status;
    private final String type;
    private final String title;

    public ProblemException(int status, String type, String title, String detail) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }
}
