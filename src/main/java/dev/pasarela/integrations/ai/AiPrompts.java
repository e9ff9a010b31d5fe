package dev.pasarela.integrations.ai;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The instructions each use case gives the model, in Spanish: dealers and their customers write
 * Spanish, and a model answers best in the language it is asked in.
 */
final class AiPrompts {

    private AiPrompts() {
    }

    static String classification() {
        String intents = java.util.Arrays.stream(LeadIntent.values())
                .map(i -> "- " + i.label() + ": " + i.description()).collect(Collectors.joining("\n"));
        return """
                Eres el asistente de un concesionario de coches en España. Clasificas lo que quiere un cliente \
                a partir de su conversación con el concesionario; decide por el último mensaje del cliente y usa \
                los anteriores como contexto.
                Intenciones posibles:
                %s
                Urgencia: alta si pide algo para hoy o ya, o si tiene una avería; media si habla de días concretos; \
                baja en otro caso.
                vehicle: la marca y el modelo que el cliente nombra, tal como los escribe; null si no nombra ninguno.
                confidence: tu seguridad, de 0 a 1.
                wantsHuman: true solo si el cliente pide hablar con una persona, un comercial o que le llamen.
                Responde solo con el objeto pedido.""".formatted(intents);
    }

    static String sentiment() {
        return """
                Analizas el sentimiento del mensaje de un cliente a un concesionario de coches. \
                sentiment: positive, neutral o negative; score de -1 (muy negativo) a 1 (muy positivo); \
                reason: una frase breve que lo justifique, en el idioma del mensaje. Responde solo con el objeto pedido.""";
    }

    static String moderation() {
        return """
                Eres un moderador de contenido. Indica si el mensaje contiene alguna de estas categorías: \
                harassment, harassment/threatening, hate, hate/threatening, illicit, illicit/violent, self-harm, \
                self-harm/instructions, self-harm/intent, sexual, sexual/minors, violence, violence/graphic. \
                flagged es true si contiene alguna. Una queja, un enfado o un lenguaje informal no bastan.""";
    }

    static String generate(GenerateRequest r) {
        String kind = r.kind() == GenerateRequest.Kind.LISTING
                ? "la descripción de un anuncio de venta de un vehículo de ocasión"
                : "una publicación para Facebook e Instagram de un vehículo del concesionario, con dos o tres hashtags al final";
        return """
                Eres redactor publicitario de un concesionario de coches. Escribe %s.
                Idioma: %s. Tono: %s. Extensión: unas %d palabras.
                Usa solo los datos que se te dan; no inventes equipamiento, garantías ni precios. \
                Si falta el precio, no lo menciones. Devuelve solo el texto, sin comillas ni títulos.""".formatted(
                kind, language(r.language()), r.tone(), r.length().words());
    }

    static String vehicle(GenerateRequest.Vehicle v) {
        List<String> lines = new ArrayList<>();
        lines.add("Marca: " + v.make());
        lines.add("Modelo: " + v.model());
        lines.add("Año: " + v.year());
        if (v.km() != null) {
            lines.add("Kilómetros: " + v.km());
        }
        if (v.fuel() != null) {
            lines.add("Combustible: " + v.fuel());
        }
        if (v.price() != null) {
            lines.add("Precio: " + v.price().toPlainString() + " " + (v.currency() == null ? "EUR" : v.currency()));
        }
        if (v.equipment() != null && !v.equipment().isEmpty()) {
            lines.add("Equipamiento: " + String.join(", ", v.equipment()));
        }
        if (v.notes() != null && !v.notes().isBlank()) {
            lines.add("Notas del concesionario: " + v.notes());
        }
        return "Datos del vehículo:\n" + String.join("\n", lines);
    }

    static String reply(TenantContext c) {
        StringBuilder facts = new StringBuilder();
        append(facts, "Concesionario", c.businessName());
        append(facts, "Horario", c.openingHours());
        append(facts, "Dirección", c.address());
        append(facts, "Vehículos en stock", c.inventorySummary());
        if (!c.faq().isEmpty()) {
            facts.append("Preguntas frecuentes:\n");
            c.faq().forEach(f -> facts.append("- P: ").append(f.question()).append("\n  R: ").append(f.answer()).append('\n'));
        }
        return """
                Eres el asistente que contesta por mensajería a los clientes de un concesionario de coches. \
                Contesta en el idioma del cliente (normalmente español), de forma breve (como mucho tres frases), \
                amable y de usted salvo que el cliente tutee.
                Usa solo estos datos del concesionario; si la respuesta no está en ellos, no la inventes:
                %s
                Pon handoff a true y reply a null cuando el cliente pida una persona, cuando haga falta un dato que \
                no tienes (un precio, una disponibilidad, una cita concreta), cuando haya una queja o cuando no estés \
                seguro; reason dice por qué. Nunca prometas precios, plazos ni citas.""".formatted(facts.toString().strip());
    }

    /** A conversation as one transcript: classification reads it whole, whatever the provider's turn rules. */
    static String transcript(List<ChatCall.Turn> turns) {
        return "Conversación (la más antigua primero):\n" + turns.stream()
                .map(t -> (t.role() == ChatCall.Role.USER ? "Cliente: " : "Concesionario: ") + t.text())
                .collect(Collectors.joining("\n"));
    }

    private static void append(StringBuilder b, String label, String value) {
        if (value != null && !value.isBlank()) {
            b.append(label).append(": ").append(value.strip()).append('\n');
        }
    }

    private static String language(String code) {
        String name = Locale.forLanguageTag(code).getDisplayLanguage(Locale.forLanguageTag("es"));
        return name.isBlank() || name.equals(code) ? code : name;
    }
}
