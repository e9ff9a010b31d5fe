package dev.pasarela.integrations.ai;

import com.fasterxml.jackson.annotation.JsonValue;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.util.List;

/**
 * {@code POST /api/v1/ai/generate}: text about one vehicle, written in a tone and a length.
 *
 * @param kind     {@code listing} (a listing description) or {@code social-post} (a Facebook or Instagram post)
 * @param tone     defaults to {@code profesional}
 * @param length   defaults to {@code media}
 * @param language an ISO 639-1 code; Spanish ({@code es}) by default
 */
public record GenerateRequest(@NotNull Kind kind, @Valid @NotNull Vehicle vehicle, Tone tone, Length length,
                              @Pattern(regexp = "[a-z]{2}", message = "language must be an ISO 639-1 code such as es or en")
                              String language) {

    public GenerateRequest {
        tone = tone == null ? Tone.PROFESIONAL : tone;
        length = length == null ? Length.MEDIA : length;
        language = language == null ? "es" : language;
    }

    /**
     * @param equipment what the car has (navegador, cámara trasera…)
     * @param notes     anything else the dealer wants said (garantía, un solo propietario…)
     */
    public record Vehicle(@NotBlank @Size(max = 60) String make, @NotBlank @Size(max = 80) String model,
                          @NotNull @Min(1900) @Max(2100) Integer year,
                          @PositiveOrZero @Max(value = 10_000_000, message = "km is at most 10000000") Long km,
                          @Size(max = 40) String fuel,
                          // bounded in digits too: 1e999999999 is "positive" and would print a billion zeros
                          @PositiveOrZero @Digits(integer = 10, fraction = 2,
                                  message = "price has at most 10 digits and 2 decimals") BigDecimal price,
                          @Pattern(regexp = "[A-Z]{3}", message = "currency must be an ISO 4217 code such as EUR")
                          String currency,
                          @Size(max = 40) List<@NotBlank @Size(max = 120) String> equipment,
                          @Size(max = 1000) String notes) {
    }

    public enum Kind {
        LISTING("listing"), SOCIAL_POST("social-post");

        private final String json;

        Kind(String json) {
            this.json = json;
        }

        @JsonValue
        @Override
        public String toString() {
            return json;
        }
    }

    public enum Tone {
        PROFESIONAL("profesional"), CERCANO("cercano"), ENTUSIASTA("entusiasta"), PREMIUM("premium"), JUVENIL("juvenil");

        private final String json;

        Tone(String json) {
            this.json = json;
        }

        @JsonValue
        @Override
        public String toString() {
            return json;
        }
    }

    /** About how many words: corta ~50, media ~120, larga ~250. */
    public enum Length {
        CORTA("corta", 50), MEDIA("media", 120), LARGA("larga", 250);

        private final String json;
        private final int words;

        Length(String json, int words) {
            this.json = json;
            this.words = words;
        }

        public int words() {
            return words;
        }

        @JsonValue
        @Override
        public String toString() {
            return json;
        }
    }
}
