package dev.glide.planner.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;
import java.util.Optional;

/**
 * Who may change what. {@code glide.auth.tokens.<team>=<token>[,<token>...]} gives a team its API
 * tokens; {@code glide.auth.admin-token} is the platform team's, good for every service. {@code
 * glide.auth.jwt.*} also accepts SSO bearer tokens (JWTs) from one issuer, their groups mapped to
 * teams and to the platform admins. With no token and no issuer at all the API is open (local
 * runs), and the planner warns about it at start-up.
 */
@ConfigMapping(prefix = "glide.auth")
public interface AuthConfig {

    /** Team name to its comma-separated tokens. */
    Map<String, String> tokens();

    Optional<String> adminToken();

    /**
     * Who may read (rollouts, trains, services, their histories and streams): {@code open} (the
     * default: anyone who reaches the planner) or {@code authenticated} (any valid team token or
     * SSO token). Only when the API has credentials configured.
     */
    @WithDefault("open")
    ReadAccess readAccess();

    Jwt jwt();

    enum ReadAccess {
        OPEN,
        AUTHENTICATED
    }

    /** SSO: JWTs an identity provider issues (OIDC id or access tokens). */
    interface Jwt {

        /** The issuer ({@code iss}) tokens must name; unset: no JWT is accepted. */
        Optional<String> issuer();

        /** Where the issuer's public keys are (its JWKS, e.g. OIDC discovery's jwks_uri). */
        Optional<String> jwksUrl();

        /** The audience ({@code aud}) tokens must carry; unset: any. */
        Optional<String> audience();

        /**
         * The claim holding the caller's groups: {@code groups} by default; a path for nested
         * claims ({@code realm_access/roles} for Keycloak's realm roles).
         */
        @WithDefault("groups")
        String groupsClaim();

        /** Team name to the comma-separated groups whose members act for it. */
        Map<String, String> teamGroups();

        /** Comma-separated groups whose members are platform admins (every service). */
        Optional<String> adminGroups();
    }
}
