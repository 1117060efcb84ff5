package dev.glide.planner.auth;

import io.smallrye.config.ConfigMapping;
import java.util.Map;
import java.util.Optional;

/**
 * Who may change what. {@code glide.auth.tokens.<team>=<token>[,<token>...]} gives a team its API
 * tokens; {@code glide.auth.admin-token} is the platform team's, good for every service. With no
 * token at all the API is open (local runs), and the planner warns about it at start-up.
 */
@ConfigMapping(prefix = "glide.auth")
public interface AuthConfig {

    /** Team name to its comma-separated tokens. */
    Map<String, String> tokens();

    Optional<String> adminToken();
}
