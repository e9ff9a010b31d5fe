package dev.pasarela.api.limits;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an {@code /api/**} handler whose every call spends one unit of a monthly quota channel
 * ({@code whatsapp}, {@code sms}, {@code email}, {@code social-posts}): spent before the handler
 * runs, given back when the call fails. AI tokens are metered by the AI integration itself.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface Metered {
    String value();
}
