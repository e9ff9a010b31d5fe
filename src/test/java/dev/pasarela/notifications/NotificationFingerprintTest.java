package dev.pasarela.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pasarela.messaging.RequestFingerprints;
import dev.pasarela.support.BootObjectMapper;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An Idempotency-Key first used before notification requests became records must still match
 * its retry: the fingerprint is the one earlier versions computed over the raw body.
 */
class NotificationFingerprintTest {

    final ObjectMapper json = BootObjectMapper.create();
    final RequestFingerprints fingerprints = new RequestFingerprints(json);

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"kind\":\"appointment_reminder\",\"recipient\":{\"phone\":\"+5215512345678\"},"
                + "\"data\":{\"name\":\"Ana\",\"date\":\"lunes 10:00\"}}",
        "{\"recipient\":{\"email\":\"ana@example.com\",\"contactId\":\"c-1\"},\"kind\":\"system\","
                + "\"channels\":[\"email\",\"sms\"],\"message\":{\"text\":\"Su auto está listo\"}}",
        "{\"kind\":\"urgent\",\"recipient\":{\"phone\":\"+5215512345678\"},\"message\":{\"text\":\"¡Hoy!\"}}"})
    void matchesTheFingerprintOfTheRawBody(String body) throws Exception {
        Map<String, Object> raw = json.readValue(body, new TypeReference<>() {});
        NotificationRequest request = json.readValue(body, NotificationRequest.class);

        assertThat(Notifications.fingerprint(fingerprints, request)).isEqualTo(earlierVersionsDigest(raw))
                .isEqualTo(fingerprints.digest(raw));
    }

    /** Outbox.digest of the version before the Channel SPI: SHA-256 of the map's JSON, keys sorted. */
    private static String earlierVersionsDigest(Map<String, Object> raw) throws Exception {
        byte[] canonical = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
                .writeValueAsBytes(raw);
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    }
}
