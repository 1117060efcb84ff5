package dev.glide.planner;

import dev.glide.testsupport.JwtIssuer;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * SSO on, reads closed: the planner trusts {@link JwtIssuer}'s tokens, members of {@code
 * payments-devs} act for team payments, of {@code platform-admins} for every team; one static team
 * token beside them (search).
 */
public class SsoTokens implements QuarkusTestProfile {

    /** One identity provider for the test run (its JWKS URL is in the planner's configuration). */
    static final JwtIssuer ISSUER = JwtIssuer.shared();

    static final String SEARCH = "search-token";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "glide.auth.jwt.issuer",
                JwtIssuer.ISSUER,
                "glide.auth.jwt.jwks-url",
                ISSUER.jwksUrl(),
                "glide.auth.jwt.audience",
                JwtIssuer.AUDIENCE,
                "glide.auth.jwt.team-groups.payments",
                "payments-devs",
                "glide.auth.jwt.admin-groups",
                "platform-admins",
                "glide.auth.tokens.search",
                SEARCH,
                "glide.auth.read-access",
                "authenticated");
    }
}
