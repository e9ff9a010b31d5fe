package dev.pasarela.integrations.meta.marketplace;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.web.util.HtmlUtils;

/**
 * The staff page of a listing package, in Spanish: each field with a copy button, the photos, the
 * deep link to Marketplace's form and the "Publicado en Marketplace" button. Every value is
 * HTML-escaped; the only script and style are the constants below, allowed by their SHA-256 in
 * the Content-Security-Policy, so nothing a dealer typed can run.
 */
final class StaffPage {

    static final String SCRIPT = "document.querySelectorAll('button[data-copy]').forEach(function (b) {"
            + " b.addEventListener('click', function () {"
            + " var t = document.getElementById(b.getAttribute('data-copy')).textContent;"
            + " navigator.clipboard.writeText(t).then(function () { b.textContent = 'Copiado'; }); }); });";
    static final String STYLE = "body{font-family:system-ui,sans-serif;max-width:48rem;margin:1rem auto;padding:0 1rem;"
            + "color:#1c1e21}dt{font-weight:600;margin-top:.8rem}dd{margin:0;display:flex;gap:.5rem;"
            + "align-items:flex-start}.v{white-space:pre-wrap;flex:1}.photos{display:flex;flex-wrap:wrap;gap:.5rem}"
            + ".photos img{width:10rem;height:auto}.state{font-weight:600}button{cursor:pointer}";
    private static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.\\-]+(:[0-9]{1,5})?");
    private static final Map<String, String> LABELS = Map.ofEntries(
            Map.entry("DIESEL", "Diésel"), Map.entry("ELECTRIC", "Eléctrico"), Map.entry("FLEX", "Flex"),
            Map.entry("GASOLINE", "Gasolina"), Map.entry("PETROL", "Gasolina"), Map.entry("HYBRID", "Híbrido"),
            Map.entry("PLUGIN_HYBRID", "Híbrido enchufable"), Map.entry("AUTOMATIC", "Automático"),
            Map.entry("MANUAL", "Manual"), Map.entry("NEW", "Nuevo"), Map.entry("USED", "Usado"),
            Map.entry("CPO", "Seminuevo certificado"), Map.entry("EXCELLENT", "Excelente"),
            Map.entry("VERY_GOOD", "Muy bueno"), Map.entry("GOOD", "Bueno"), Map.entry("FAIR", "Aceptable"),
            Map.entry("POOR", "Malo"), Map.entry("OTHER", "Otro"), Map.entry("CONVERTIBLE", "Descapotable"),
            Map.entry("COUPE", "Coupé"), Map.entry("HATCHBACK", "Compacto"), Map.entry("SALOON", "Berlina"),
            Map.entry("SEDAN", "Berlina"), Map.entry("ESTATE", "Familiar"), Map.entry("WAGON", "Familiar"),
            Map.entry("MINIVAN", "Monovolumen"), Map.entry("MPV", "Monovolumen"), Map.entry("PICKUP", "Pick-up"),
            Map.entry("VAN", "Furgoneta"), Map.entry("SUV", "SUV"), Map.entry("CROSSOVER", "Crossover"));

    private StaffPage() {
    }

    /** The Content-Security-Policy of a page showing these photos: nothing but our script, style, images and form. */
    static String contentSecurityPolicy(List<ListingPackage.Photo> photos) {
        Set<String> origins = new LinkedHashSet<>();
        for (ListingPackage.Photo p : photos) {
            String origin = p.url().getScheme() + "://" + p.url().getRawAuthority();
            if (ORIGIN.matcher(origin).matches()) {
                origins.add(origin);
            }
        }
        return "default-src 'none'; script-src '" + sha256(SCRIPT) + "'; style-src '" + sha256(STYLE) + "'; img-src "
                + (origins.isEmpty() ? "'none'" : String.join(" ", origins))
                + "; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    }

    static String render(ListingPackage l, String token, ZoneId zone) {
        DateTimeFormatter when = DateTimeFormatter.ofPattern("d/M/yyyy HH:mm", Locale.forLanguageTag("es")).withZone(zone);
        List<String[]> fields = new ArrayList<>();
        fields.add(new String[] {"Título", l.title()});
        fields.add(new String[] {"Precio", l.price().text()});
        fields.add(new String[] {"Kilometraje", l.mileage().value() + " " + l.mileage().unit().toLowerCase(Locale.ROOT)});
        fields.add(new String[] {"Combustible", label(l.fuelType())});
        fields.add(new String[] {"Cambio", label(l.transmission())});
        fields.add(new String[] {"Carrocería", label(l.bodyStyle())});
        fields.add(new String[] {"Estado del vehículo", label(l.stateOfVehicle())});
        fields.add(new String[] {"Estado de conservación", label(l.condition())});
        fields.add(new String[] {"Color exterior", l.exteriorColor()});
        fields.add(new String[] {"Ubicación", l.location()});
        fields.add(new String[] {"Descripción", l.description()});

        StringBuilder h = new StringBuilder(4096);
        h.append("<!doctype html><html lang=\"es\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<meta name=\"robots\" content=\"noindex, nofollow\">")
                .append("<title>Anuncio para Marketplace: ").append(e(l.title())).append("</title>")
                .append("<style>").append(STYLE).append("</style></head><body>")
                .append("<h1>").append(e(l.title())).append("</h1>")
                .append("<p class=\"state\">").append(l.confirmedAt() == null ? "Pendiente de publicar"
                        : "Publicado en Marketplace el " + e(when.format(l.confirmedAt()))).append("</p>")
                .append("<ol><li>Abre <a href=\"").append(e(l.createListingUrl().toString()))
                .append("\" target=\"_blank\" rel=\"noopener noreferrer\">el formulario de vehículos de Marketplace</a>.</li>")
                .append("<li>Copia cada dato en su campo y sube las fotos (ábrelas y guárdalas).</li>")
                .append("<li>Publica el anuncio y pulsa «Publicado en Marketplace».</li></ol><dl>");
        for (int i = 0; i < fields.size(); i++) {
            String value = fields.get(i)[1];
            if (value == null || value.isBlank()) {
                continue;
            }
            h.append("<dt>").append(e(fields.get(i)[0])).append("</dt><dd><span class=\"v\" id=\"f").append(i)
                    .append("\">").append(e(value)).append("</span><button type=\"button\" data-copy=\"f").append(i)
                    .append("\">Copiar</button></dd>");
        }
        h.append("</dl><h2>Fotos</h2>");
        if (l.photos().isEmpty()) {
            h.append("<p>No hay fotos disponibles.</p>");
        } else {
            h.append("<p>Los enlaces caducan el ").append(e(when.format(l.photos().get(0).expiresAt())))
                    .append("; recarga esta página para obtener otros.</p><div class=\"photos\">");
            for (int i = 0; i < l.photos().size(); i++) {
                String url = e(l.photos().get(i).url().toString());
                h.append("<a href=\"").append(url).append("\" target=\"_blank\" rel=\"noopener noreferrer\"><img src=\"")
                        .append(url).append("\" alt=\"Foto ").append(i + 1).append("\"></a>");
            }
            h.append("</div>");
        }
        h.append("<form method=\"post\" action=\"").append(e(token)).append("/confirm\">")
                .append("<button type=\"submit\">Publicado en Marketplace</button></form>")
                .append("<script>").append(SCRIPT).append("</script></body></html>");
        return h.toString();
    }

    private static String label(String value) {
        return value == null ? null : LABELS.getOrDefault(value, value);
    }

    private static String e(String s) {
        return s == null ? "" : HtmlUtils.htmlEscape(s, StandardCharsets.UTF_8.name());
    }

    static String sha256(String text) {
        try {
            return "sha256-" + Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is part of every JDK", ex);
        }
    }
}
