package dev.pasarela.publishing;

import java.math.BigDecimal;
import java.util.List;

/** What a listing says about a car; every field but make, model and year may be null. */
public record VehicleFacts(String make, String model, Integer year, String trim, Long km, String fuel,
                           String transmission, String bodyStyle, BigDecimal price, String currency,
                           List<String> equipment, String notes) {
}
