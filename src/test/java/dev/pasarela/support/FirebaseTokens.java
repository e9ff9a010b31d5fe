package dev.pasarela.support;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.function.Consumer;

/** Firebase-shaped ID tokens signed with locally generated keys, and the JWKS that publishes them. */
public final class FirebaseTokens {

    public static final String PROJECT = "demo-pasarela";
    private final RSAKey key;
    private final RSAKey stranger;

    public FirebaseTokens() {
        try {
            key = new RSAKeyGenerator(2048).keyID("kid-google-1").generate();
            stranger = new RSAKeyGenerator(2048).keyID("kid-google-1").generate(); // same kid, other key
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JWKS as Google publishes it: public keys only. */
    public String jwks() {
        return new JWKSet(key.toPublicJWK()).toString();
    }

    public JWTClaimsSet.Builder claims(String tenantId) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
                .issuer("https://securetoken.google.com/" + PROJECT)
                .audience(PROJECT)
                .subject("uid-" + tenantId)
                .issueTime(Date.from(now.minusSeconds(60)))
                .expirationTime(Date.from(now.plusSeconds(3600)))
                .claim("auth_time", now.minusSeconds(120).getEpochSecond())
                .claim("user_id", "uid-" + tenantId)
                .claim("firebase", Map.of("sign_in_provider", "password"));
        if (tenantId != null) {
            b.claim("tenantId", tenantId).claim("role", "admin");
        }
        return b;
    }

    public String token(String tenantId) {
        return sign(claims(tenantId).build(), key, "kid-google-1");
    }

    public String token(String tenantId, Consumer<JWTClaimsSet.Builder> change) {
        JWTClaimsSet.Builder b = claims(tenantId);
        change.accept(b);
        return sign(b.build(), key, "kid-google-1");
    }

    public String forged(String tenantId) {
        return sign(claims(tenantId).build(), stranger, "kid-google-1");
    }

    public String unknownKid(String tenantId) {
        return sign(claims(tenantId).build(), key, "kid-never-published");
    }

    public String withoutKid(String tenantId) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).build(),
                    claims(tenantId).build());
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String unsigned(String tenantId) {
        return new PlainJWT(claims(tenantId).build()).serialize();
    }

    /** HS256 with the public key's bytes as the secret: the classic algorithm-confusion attack. */
    public String hmacWithPublicKey(String tenantId) {
        try {
            byte[] secret = key.toPublicJWK().toRSAPublicKey().getEncoded();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("kid-google-1").build(),
                    claims(tenantId).build());
            jwt.sign(new MACSigner(java.util.Arrays.copyOf(secret, Math.max(32, secret.length))));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A valid token whose payload was edited afterwards (signature now over other bytes). */
    public String tampered(String tenantId, String otherTenant) {
        String[] parts = token(tenantId).split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]));
        String edited = Base64.getUrlEncoder().withoutPadding().encodeToString(
                payload.replace("\"" + tenantId + "\"", "\"" + otherTenant + "\"").getBytes());
        return parts[0] + "." + edited + "." + parts[2];
    }

    private static String sign(JWTClaimsSet claims, RSAKey with, String kid) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid)
                    .type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new RSASSASigner(with));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
