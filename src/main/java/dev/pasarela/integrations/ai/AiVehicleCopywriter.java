package dev.pasarela.integrations.ai;

import dev.pasarela.publishing.VehicleCopywriter;
import dev.pasarela.publishing.VehicleFacts;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/** Listing descriptions for publishers, through the {@code generate} use case (plan, tokens, failover). */
@Component
public class AiVehicleCopywriter implements VehicleCopywriter {

    private final AiAssistant ai;

    public AiVehicleCopywriter(AiAssistant ai) {
        this.ai = ai;
    }

    @Override
    public String describe(String tenantId, VehicleFacts v, String language) {
        List<String> equipment = new ArrayList<>(v.equipment() == null ? List.of() : v.equipment());
        // the generate use case has no fields for these: they go in as equipment lines
        if (v.transmission() != null) {
            equipment.add(0, "cambio " + v.transmission());
        }
        if (v.bodyStyle() != null) {
            equipment.add(0, "carrocería " + v.bodyStyle());
        }
        String model = v.trim() == null ? v.model() : v.model() + " " + v.trim();
        GenerateRequest request = new GenerateRequest(GenerateRequest.Kind.LISTING,
                new GenerateRequest.Vehicle(v.make(), model, v.year(), v.km(), v.fuel(), v.price(), v.currency(),
                        equipment.size() > 40 ? equipment.subList(0, 40) : equipment, v.notes()),
                null, GenerateRequest.Length.MEDIA, language);
        return ai.generate(tenantId, request).text();
    }
}
