package dev.pasarela.messaging;

import dev.pasarela.pipeline.errors.PermanentException;

/**
 * A provider refused a message for good, with its own error code. {@code operatorAction} says
 * whether someone on our side can fix it (a revoked token, a missing permission, a paused
 * template): those go to the dead-letter queue to be replayed after the fix; the others (the
 * recipient is not on the channel, the window is closed, the contact opted out) only end the
 * message, with the code in its status history.
 */
public class RejectedByProviderException extends PermanentException {
    private final String code;
    private final boolean operatorAction;

    public RejectedByProviderException(String code, String message, boolean operatorAction) {
        super(message);
        this.code = code;
        this.operatorAction = operatorAction;
    }

    public String code() {
        return code;
    }

    public boolean operatorAction() {
        return operatorAction;
    }
}
