package dev.pasarela.integrations.ai;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;

/** Why a customer writes to a dealer: the labels lead classification chooses from. */
public enum LeadIntent {
    COMPRA("compra", "quiere comprar un vehículo o pregunta por uno en venta (precio, disponibilidad, características)"),
    FINANCIACION("financiacion", "pregunta por financiación, cuotas, entrada, leasing o renting"),
    TASACION("tasacion", "quiere tasar o entregar su coche usado como parte del pago, o venderlo"),
    CITA("cita", "quiere una cita, visitar el concesionario o hacer una prueba de conducción"),
    POSVENTA("posventa", "posventa o taller: revisión, avería, garantía, recambios, ITV"),
    OTRO("otro", "cualquier otra cosa: saludos, quejas generales, mensajes sin relación");

    private final String label;
    private final String description;

    LeadIntent(String label, String description) {
        this.label = label;
        this.description = description;
    }

    @JsonValue
    public String label() {
        return label;
    }

    /** The Spanish description given to the model with the label. */
    public String description() {
        return description;
    }

    public static List<String> labels() {
        return Arrays.stream(values()).map(LeadIntent::label).toList();
    }

    public static LeadIntent of(String label) {
        return Arrays.stream(values()).filter(i -> i.label.equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown intent"));
    }
}
