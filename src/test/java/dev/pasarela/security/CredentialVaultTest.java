package dev.pasarela.security;

import dev.pasarela.support.BootObjectMapper;
import java.time.Clock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pasarela.store.Document;
import dev.pasarela.store.jdbc.JdbcDocumentStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.mock.env.MockEnvironment;

class CredentialVaultTest {

    static final String K1 = "k1:dGVzdC1tYXN0ZXIta2V5LTEtLTMyLWJ5dGVzLWxvbmc=";
    static final String K2 = "k2:dGVzdC1tYXN0ZXIta2V5LTItLTMyLWJ5dGVzLWxvbmc=";
    static final String TOKEN = "EAAG-whatsapp-token-of-autos-garcia-9f8e7d";

    @TempDir
    Path dir;
    JdbcDocumentStore store;
    MockEnvironment env = new MockEnvironment();

    @BeforeEach
    void store() throws Exception {
        DriverManagerDataSource ds = new DriverManagerDataSource("jdbc:h2:file:" + dir.resolve("db"), "sa", "");
        new JdbcTemplate(ds).execute(Files.readString(Path.of("src/main/resources/schema.sql"), StandardCharsets.UTF_8));
        store = new JdbcDocumentStore(new JdbcTemplate(ds), new DataSourceTransactionManager(ds),
                BootObjectMapper.create(), Clock.systemUTC());
        store.set("tenants/autos", Map.of("name", "Autos"));
        store.set("tenants/motos", Map.of("name", "Motos"));
    }

    CredentialVault vault(String keys) {
        return new CredentialVault(store, MasterKeys.parse(keys), new PlatformCredentials(env), BootObjectMapper.create(),
                Clock.systemUTC());
    }

    @Test
    void storesOnlyCiphertextAndReadsItBack() {
        CredentialVault v = vault(K1);
        v.put("autos", "whatsapp", Map.of("accessToken", TOKEN, "phoneNumberId", "106540352242922"));
        Document stored = store.get("tenants/autos/credentials/whatsapp").orElseThrow();
        assertThat(stored.data().toString()).doesNotContain(TOKEN).doesNotContain("106540352242922");
        assertThat(stored.field("keyId")).isEqualTo("k1");
        assertThat(stored.field("fields")).isEqualTo(List.of("accessToken", "phoneNumberId"));
        assertThat(v.credentials("autos", "whatsapp")).hasValue(Map.of("accessToken", TOKEN,
                "phoneNumberId", "106540352242922"));
        assertThat(v.list("autos")).singleElement().satisfies(i -> assertThat(i.toString()).doesNotContain(TOKEN));
    }

    @Test
    void aCiphertextMovedToAnotherTenantOrProviderDoesNotDecrypt() {
        CredentialVault v = vault(K1);
        v.put("autos", "whatsapp", Map.of("accessToken", TOKEN));
        Document stored = store.get("tenants/autos/credentials/whatsapp").orElseThrow();
        store.set("tenants/motos/credentials/whatsapp", stored.data());
        store.set("tenants/autos/credentials/twilio", stored.data());
        assertThatThrownBy(() -> v.credentials("motos", "whatsapp")).hasMessageNotContaining(TOKEN)
                .isInstanceOf(CredentialUnreadableException.class).hasMessageContaining("credential-unreadable");
        assertThatThrownBy(() -> v.credentials("autos", "twilio")).hasMessageContaining("credential-unreadable");
    }

    @Test
    void whatATenantReadsOfAnUnreadableCredentialNamesNoMasterKey() {
        vault(K1).put("autos", "whatsapp", Map.of("accessToken", TOKEN));
        Map<String, Object> data = new java.util.HashMap<>(store.get("tenants/autos/credentials/whatsapp").orElseThrow().data());
        data.put("keyId", "retired-key-7");
        store.set("tenants/autos/credentials/whatsapp", data);
        assertThatThrownBy(() -> vault(K1).credentials("autos", "whatsapp"))
                .isInstanceOf(CredentialUnreadableException.class).hasMessageContaining("credential-unreadable")
                .hasMessageNotContaining("retired-key-7").hasMessageNotContaining("PASARELA_MASTER_KEYS");
    }

    @Test
    void aTamperedCiphertextDoesNotDecrypt() {
        CredentialVault v = vault(K1);
        v.put("autos", "sendgrid", Map.of("apiKey", "SG.secret"));
        Map<String, Object> data = new java.util.HashMap<>(store.get("tenants/autos/credentials/sendgrid").orElseThrow().data());
        byte[] c = java.util.Base64.getDecoder().decode((String) data.get("ciphertext"));
        c[0] ^= 1;
        data.put("ciphertext", java.util.Base64.getEncoder().encodeToString(c));
        store.set("tenants/autos/credentials/sendgrid", data);
        assertThatThrownBy(() -> v.credentials("autos", "sendgrid")).hasMessageContaining("credential-unreadable");
    }

    @Test
    void rotationRewrapsUnderTheNewestKeySoTheOldOneCanGo() {
        vault(K1).put("autos", "twilio", Map.of("authToken", "twilio-secret"));
        vault(K1).put("motos", "twilio", Map.of("authToken", "other-secret"));
        CredentialVault.Rotation r = vault(K2 + "," + K1).rotate(List.of("autos", "motos"));
        assertThat(r.currentKeyId()).isEqualTo("k2");
        assertThat(r.rewrapped()).isEqualTo(2);
        CredentialVault.Rotation again = vault(K2 + "," + K1).rotate(List.of("autos", "motos"));
        assertThat(again.alreadyCurrent()).as(again.toString()).isEqualTo(2);
        // k1 dropped: everything still reads
        assertThat(vault(K2).credentials("autos", "twilio")).hasValue(Map.of("authToken", "twilio-secret"));
        assertThat(store.get("tenants/motos/credentials/twilio").orElseThrow().field("keyId")).isEqualTo("k2");
        // and without k2 nothing does
        assertThatThrownBy(() -> vault(K1).credentials("autos", "twilio")).hasMessageContaining("cannot be read by the gateway");
    }

    /** The master key k1 was replaced by other bytes under the same id: nothing decrypts, and nothing is "current". */
    @Test
    void aCredentialNoMasterKeyOpensFailsAtOnceIsMarkedAndReportedByRotation() {
        vault(K1).put("autos", "twilio", Map.of("accountSid", "AC1", "authToken", "secret-token-1"));
        String changedK1 = "k1:b3RoZXItbWFzdGVyLWtleS0xLS0zMi1ieXRlcy1sb24=";
        CredentialVault changed = vault(changedK1);

        assertThatThrownBy(() -> changed.credentials("autos", "twilio"))
                .isInstanceOf(dev.pasarela.pipeline.errors.PermanentException.class)
                .isInstanceOf(CredentialUnreadableException.class)
                .hasMessageContaining("credential-unreadable").hasMessageNotContaining("secret-token-1");
        assertThat(store.get("tenants/autos/credentials/twilio").orElseThrow().field("unreadableSince")).isNotNull();
        assertThat(changed.list("autos")).singleElement().satisfies(i -> assertThat(i.unreadableSince()).isNotNull());

        CredentialVault.Rotation r = changed.rotate(List.of("autos"));
        assertThat(r.alreadyCurrent()).isZero();
        assertThat(r.unreadable()).containsExactly("autos/twilio");

        changed.put("autos", "twilio", Map.of("accountSid", "AC1", "authToken", "secret-token-2"));
        assertThat(changed.credentials("autos", "twilio").orElseThrow()).containsEntry("authToken", "secret-token-2");
        assertThat(changed.list("autos")).singleElement().satisfies(i -> assertThat(i.unreadableSince()).isNull());
    }

    @Test
    void onlyProvidersSomeCodeReadsCanBeStored() {
        CredentialVault v = new CredentialVault(store, MasterKeys.parse(K1), new PlatformCredentials(env),
                BootObjectMapper.create(), Clock.systemUTC(), () -> List.of("twilio", "facebook-user"));
        v.put("autos", "facebook-user", Map.of("accessToken", "t"));
        v.put("autos", "stripe", Map.of("secretKey", "sk")); // a platform default's name is known too
        assertThatThrownBy(() -> v.put("autos", "twillio", Map.of("authToken", "t")))
                .isInstanceOfSatisfying(dev.pasarela.api.ProblemException.class, p -> {
                    assertThat(p.status()).isEqualTo(400);
                    assertThat(p.type()).isEqualTo("unknown-provider");
                    assertThat(p.detail()).contains("twilio", "facebook-user", "stripe", "sendgrid");
                });
    }

    @Test
    void platformDefaultsApplyOnlyWhenATenantHasNone() {
        env.setProperty("TWILIO_ACCOUNT_SID", "AC-platform");
        env.setProperty("TWILIO_AUTH_TOKEN", "platform-token");
        CredentialVault v = vault(K1);
        assertThat(v.credentials("autos", "twilio")).hasValue(Map.of("accountSid", "AC-platform", "authToken", "platform-token"));
        v.put("autos", "twilio", Map.of("accountSid", "AC-own", "authToken", "own-token"));
        assertThat(v.credentials("autos", "twilio")).hasValue(Map.of("accountSid", "AC-own", "authToken", "own-token"));
        assertThat(v.credentials("autos", "sendgrid")).isEmpty();
    }

    @Test
    void oldCredentialsAreReported() {
        CredentialVault v = vault(K1);
        v.put("autos", "openai", Map.of("apiKey", "sk-old"));
        Map<String, Object> data = new java.util.HashMap<>(store.get("tenants/autos/credentials/openai").orElseThrow().data());
        data.put("updatedAt", java.time.Instant.now().minus(Duration.ofDays(120)).toString());
        store.set("tenants/autos/credentials/openai", data);
        v.put("motos", "openai", Map.of("apiKey", "sk-new"));
        assertThat(v.olderThan(List.of("autos", "motos"), Duration.ofDays(90)))
                .extracting(CredentialVault.Stale::tenantId, CredentialVault.Stale::provider)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("autos", "openai"));
    }

    @Test
    void masterKeysNeverShowTheirBytes() {
        assertThat(MasterKeys.parse(K2 + "," + K1).toString()).isEqualTo("MasterKeys[k2, k1]");
        assertThatThrownBy(() -> MasterKeys.parse("k1:" + "AAAA")).hasMessageContaining("32 bytes").hasMessageNotContaining("AAAA");
    }
}
