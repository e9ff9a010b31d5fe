package dev.pasarela.integrations.meta;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /api/v1/whatsapp/templates}: a message template for Meta to review.
 * {@code components} go to Meta as given (Meta's template structure; each needs a {@code type}).
 */
public record WhatsAppTemplateSubmission(
        @NotNull(message = "name must be 1-512 characters of a-z, 0-9 and '_'.")
        @Pattern(regexp = "[a-z0-9_]{1,512}", message = "name must be 1-512 characters of a-z, 0-9 and '_'.")
        String name,
        @NotNull(message = "language must be a locale code such as es_MX or en_US.")
        @Pattern(regexp = "[a-z]{2,3}(_[A-Z]{2})?", message = "language must be a locale code such as es_MX or en_US.")
        String language,
        @NotNull(message = "category must be one of UTILITY, MARKETING, AUTHENTICATION.")
        @Pattern(regexp = "UTILITY|MARKETING|AUTHENTICATION",
                message = "category must be one of UTILITY, MARKETING, AUTHENTICATION.")
        String category,
        @NotEmpty(message = "components must be a non-empty list of objects with a type (BODY, HEADER, FOOTER, BUTTONS).")
        List<Map<String, Object>> components,
        String parameterFormat) {}
