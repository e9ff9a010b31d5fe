package dev.pasarela.integrations.meta.publishing;

import dev.pasarela.pipeline.errors.PermanentException;

/** A post that cannot be published as asked; {@code code} is kept on the publication (container-expired…). */
final class PublishingFailure extends PermanentException {

    private final String code;

    PublishingFailure(String code, String detail) {
        super(code + ": " + detail);
        this.code = code;
    }

    String code() {
        return code;
    }

    String detail() {
        return getMessage().substring(code.length() + 2);
    }
}
