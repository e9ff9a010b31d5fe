package dev.pasarela.integrations.meta.marketplace;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Currency;
import java.util.Locale;
import java.util.Set;

/** A code the JDK knows: an ISO 4217 currency or an ISO 3166-1 alpha-2 country. Null is valid (use @NotNull). */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = IsoCode.Check.class)
@interface IsoCode {

    enum Kind { CURRENCY, COUNTRY }

    Kind value();

    String message();

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Check implements ConstraintValidator<IsoCode, String> {
        private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());
        private Kind kind;

        @Override
        public void initialize(IsoCode annotation) {
            kind = annotation.value();
        }

        @Override
        public boolean isValid(String code, ConstraintValidatorContext context) {
            if (code == null) {
                return true;
            }
            if (!code.matches("[A-Z]{2,3}")) {
                return false;
            }
            return switch (kind) {
                case COUNTRY -> code.length() == 2 && COUNTRIES.contains(code);
                case CURRENCY -> code.length() == 3 && known(code);
            };
        }

        private static boolean known(String code) {
            try {
                Currency.getInstance(code);
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
    }
}
