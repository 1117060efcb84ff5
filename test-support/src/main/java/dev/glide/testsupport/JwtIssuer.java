package dev.glide.testsupport;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * An identity provider for tests: an RSA key pair it generates, its public JWKS served over HTTP at
 * {@link #jwksUrl()}, and JWTs signed with the private key, with the issuer, audience, groups and
 * lifetime a test asks for. {@link #foreignToken} signs with a key the JWKS does not hold.
 */
public final class JwtIssuer implements AutoCloseable {

    public static final String ISSUER = "https://idp.glide.test/realms/platform";
    public static final String AUDIENCE = "glide";

    private static final String SHARED = "glide.test.jwt-issuer";

    private final RSAKey key;
    private final RSAKey foreignKey;
    private final HttpServer server;
    private final String jwksUrl;

    private JwtIssuer(RSAKey key, RSAKey foreignKey, HttpServer server, String jwksUrl) {
        this.key = key;
        this.foreignKey = foreignKey;
        this.server = server;
        this.jwksUrl = jwksUrl;
    }

    /**
     * One issuer per JVM: a Quarkus test loads its profile class again in the application's class
     * loader, and both copies must sign with the keys the planner was configured with. The first
     * call starts it; later calls, from any class loader, get its keys and URL back.
     */
    public static synchronized JwtIssuer shared() {
        String existing = System.getProperty(SHARED);
        if (existing != null) {
            try {
                String[] parts = existing.split("\n", 3);
                return new JwtIssuer(
                        RSAKey.parse(parts[1]), RSAKey.parse(parts[2]), null, parts[0]);
            } catch (java.text.ParseException e) {
                throw new IllegalStateException("the shared test issuer's keys do not parse", e);
            }
        }
        JwtIssuer issuer = start();
        System.setProperty(
                SHARED,
                issuer.jwksUrl
                        + "\n"
                        + issuer.key.toJSONString()
                        + "\n"
                        + issuer.foreignKey.toJSONString());
        return issuer;
    }

    public static JwtIssuer start() {
        try {
            RSAKey key =
                    new RSAKeyGenerator(2048).keyID("glide-test-" + UUID.randomUUID()).generate();
            RSAKey foreign = new RSAKeyGenerator(2048).keyID(key.getKeyID()).generate();
            byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            HttpServer server =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext(
                    "/jwks",
                    exchange -> {
                        exchange.getResponseHeaders().add("Content-Type", "application/json");
                        exchange.sendResponseHeaders(200, jwks.length);
                        try (OutputStream body = exchange.getResponseBody()) {
                            body.write(jwks);
                        }
                    });
            server.start();
            return new JwtIssuer(
                    key,
                    foreign,
                    server,
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
        } catch (JOSEException e) {
            throw new IllegalStateException("could not generate a key pair", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the public keys are: what a service is told as its issuer's JWKS. */
    public String jwksUrl() {
        return jwksUrl;
    }

    /** A token for {@code subject} in {@code groups}, valid for five minutes. */
    public String token(String subject, String... groups) {
        return token(ISSUER, AUDIENCE, Duration.ofMinutes(5), subject, groups);
    }

    /** A token with this issuer, audience and remaining lifetime (negative: already expired). */
    public String token(
            String issuer, String audience, Duration lifetime, String subject, String... groups) {
        return sign(key, issuer, audience, lifetime, subject, groups);
    }

    /** A well-formed token signed by a key the JWKS does not hold (same key id). */
    public String foreignToken(String subject, String... groups) {
        return sign(foreignKey, ISSUER, AUDIENCE, Duration.ofMinutes(5), subject, groups);
    }

    private static String sign(
            RSAKey signingKey,
            String issuer,
            String audience,
            Duration lifetime,
            String subject,
            String... groups) {
        Instant now = Instant.now();
        JWTClaimsSet claims =
                new JWTClaimsSet.Builder()
                        .issuer(issuer)
                        .audience(audience)
                        .subject(subject)
                        .claim("preferred_username", subject)
                        .claim("groups", List.of(groups))
                        .issueTime(Date.from(now.minus(Duration.ofMinutes(10))))
                        .expirationTime(Date.from(now.plus(lifetime)))
                        .jwtID(UUID.randomUUID().toString())
                        .build();
        SignedJWT jwt =
                new SignedJWT(
                        new JWSHeader.Builder(JWSAlgorithm.RS256)
                                .keyID(signingKey.getKeyID())
                                .build(),
                        claims);
        try {
            jwt.sign(new RSASSASigner(signingKey));
        } catch (JOSEException e) {
            throw new IllegalStateException("could not sign a token", e);
        }
        return jwt.serialize();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
