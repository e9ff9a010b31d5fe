package dev.pasarela.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Boot's one {@code ObjectMapper} writes only well-formed Unicode. A signed provider payload may
 * carry a lone surrogate (an escaped U+D800 with no pair), which Java strings keep; written as is,
 * it is JSON that strict UTF-8 parsers refuse, in an API answer or a tenant's callback. Every
 * string and map key written is answered with U+FFFD in its place, as the Unicode standard advises.
 */
@Configuration(proxyBeanMethods = false)
public class JsonConfiguration {

    /** A module bean: Boot's JacksonAutoConfiguration installs every one beside its own. */
    @Bean
    SimpleModule wellFormedStrings() {
        SimpleModule module = new SimpleModule("pasarela-well-formed-strings");
        module.addSerializer(String.class, new StdSerializer<>(String.class) {
            @Override
            public void serialize(String value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(wellFormed(value));
            }
        });
        module.addKeySerializer(String.class, new JsonSerializer<String>() {
            @Override
            public void serialize(String value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeFieldName(wellFormed(value));
            }
        });
        return module;
    }

    /** The text with every unpaired surrogate replaced by U+FFFD; the same instance when there is none. */
    public static String wellFormed(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (pair) {
                if (out != null) {
                    out.append(c).append(text.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                if (out == null) {
                    out = new StringBuilder(text.length()).append(text, 0, i);
                }
                out.append('\uFFFD');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }
}
