package dev.pasarela.security;

import dev.pasarela.config.SelfChecking;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The operator console's one login ({@code PASARELA_CONSOLE_USER} / {@code PASARELA_CONSOLE_PASSWORD}).
 * Without a password the console is closed (every console path answers 404), except in the
 * {@code dev} profile ({@code generatePassword}), which makes one up and prints it once. The
 * password may be given already hashed ({@code {bcrypt}$2a$…}), as Spring Security stores it.
 * {@code maxLoginFailures} wrong logins from one address lock it out for {@code loginLockout}
 * ({@link ConsoleLoginThrottle}).
 */
@ConfigurationProperties("pasarela.console")
public record ConsoleProperties(@DefaultValue("operator") String user, @DefaultValue("") String password,
                                boolean generatePassword, @DefaultValue("5") int maxLoginFailures,
                                @DefaultValue("15m") java.time.Duration loginLockout) implements SelfChecking {

    static final int MIN_LENGTH = 16;

    /** A password Spring Security stores hashed ({@code {bcrypt}…}); {@code {noop}…} is plain text and checked as such. */
    private static final java.util.regex.Pattern HASHED =
            java.util.regex.Pattern.compile("\\{(bcrypt|argon2|scrypt|pbkdf2)(@[^}]*)?}.{20,}");

    public boolean open() {
        return !password.isBlank() || generatePassword;
    }

    @Override
    public List<String> problems() {
        if (user.isBlank()) {
            return List.of("PASARELA_CONSOLE_USER (pasarela.console.user): must not be blank");
        }
        if (maxLoginFailures < 1 || loginLockout == null || loginLockout.isNegative() || loginLockout.isZero()) {
            return List.of("pasarela.console.max-login-failures and pasarela.console.login-lockout: must be positive");
        }
        if (password.isBlank() || generatePassword || HASHED.matcher(password).matches()) {
            return List.of(); // closed, hashed, or the dev profile
        }
        String plain = password.startsWith("{noop}") ? password.substring("{noop}".length()) : password;
        return plain.length() < MIN_LENGTH
                ? List.of("PASARELA_CONSOLE_PASSWORD (pasarela.console.password): must be at least " + MIN_LENGTH
                        + " characters (it opens the operator console); leave it unset to keep the console closed")
                : List.of();
    }

    @Override
    public String toString() {
        return "ConsoleProperties[user=" + user + ", password=" + (password.isBlank() ? "unset" : "***") + "]";
    }
}
