package dev.pasarela.integrations.meta.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CSV writer against a strict RFC 4180 reader, and Meta's price text. */
class MetaVehiclesCsvTest {

    @Test
    void everyAwkwardValueRoundTrips() {
        List<String> values = List.of("plain", "a,b", "say \"hi\"", "line1\nline2", "cr\r\nlf", " lead", "trail ",
                "", "=SUM(A1)", "ñandú €");
        MetaVehiclesCsv csv = new MetaVehiclesCsv();
        csv.row(values);
        csv.row(List.of("x", "y"));

        String text = csv.toString();

        assertThat(text).endsWith("\r\n").startsWith("plain,\"a,b\",\"say \"\"hi\"\"\"");
        assertThat(Csv.parse(text)).containsExactly(values, List.of("x", "y"));
    }

    @Test
    void priceIsTheAmountAndTheCurrencyCode() {
        assertThat(VehicleFeed.price(new BigDecimal("15000"), "EUR")).isEqualTo("15000 EUR");
        assertThat(VehicleFeed.price(new BigDecimal("15000.00"), "EUR")).isEqualTo("15000 EUR");
        assertThat(VehicleFeed.price(new BigDecimal("9999.9"), "EUR")).isEqualTo("9999.90 EUR");
        assertThat(VehicleFeed.price(new BigDecimal("1E+4"), "USD")).isEqualTo("10000 USD");
    }
}
