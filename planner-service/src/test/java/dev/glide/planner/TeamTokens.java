package dev.glide.planner;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Two teams with their API tokens, and the platform team's admin token. */
public class TeamTokens implements QuarkusTestProfile {

    static final String PAYMENTS = "pay-token-1";
    static final String PAYMENTS_SECOND = "pay-token-2";
    static final String SEARCH = "search-token";
    static final String ADMIN = "admin-token";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "glide.auth.tokens.payments", PAYMENTS + "," + PAYMENTS_SECOND,
                "glide.auth.tokens.search", SEARCH,
                "glide.auth.admin-token", ADMIN);
    }
}
