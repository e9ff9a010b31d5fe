package dev.pasarela.publishing;

/** Writes a listing description for a car (implemented by the AI integration). */
public interface VehicleCopywriter {

    /**
     * A description of about 100–150 words in {@code language} (ISO 639-1); throws the AI's
     * {@link dev.pasarela.api.ProblemException} (403 plan, 429 quota, 503 unavailable) when it cannot.
     */
    String describe(String tenantId, VehicleFacts vehicle, String language);
}
