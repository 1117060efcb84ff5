package dev.glide.planner.auth;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Checks team API tokens: a team may release, promote, abort and register only its own services.
 */
@ApplicationScoped
public class TeamAuth {

    private static final Logger LOG = Logger.getLogger(TeamAuth.class);
    private static final String BEARER = "Bearer ";

    private final Map<String, String> teamByToken = new HashMap<>();
    private final String adminToken;

    TeamAuth(AuthConfig config) {
        config.tokens()
                .forEach(
                        (team, tokens) ->
                                Arrays.stream(tokens.split(","))
                                        .map(String::trim)
                                        .filter(t -> !t.isEmpty())
                                        .forEach(token -> teamByToken.put(token, team)));
        this.adminToken = config.adminToken().filter(t -> !t.isBlank()).orElse(null);
    }

    void warnIfOpen(@Observes StartupEvent startup) {
        if (isOpen()) {
            LOG.warn(
                    "No API tokens are configured (glide.auth.tokens.<team>, glide.auth.admin-token): anyone who can"
                            + " reach the planner may release, promote and abort. Fine for a local run, never for production.");
        }
    }

    public boolean isOpen() {
        return teamByToken.isEmpty() && adminToken == null;
    }

    /** The caller named by an {@code Authorization} header; 401 when it names nobody. */
    public Caller authenticate(String authorization) {
        if (isOpen()) {
            return Caller.ANYONE;
        }
        if (authorization == null || !authorization.startsWith(BEARER)) {
            throw new AuthException(
                    401,
                    "missing credentials: send 'Authorization: Bearer <your team's API token>'");
        }
        String token = authorization.substring(BEARER.length()).trim();
        if (adminToken != null && constantTimeEquals(token, adminToken)) {
            return new Caller("platform", true);
        }
        // Compare against every token, so the time taken does not say how close a guess was.
        String team = null;
        for (var entry : teamByToken.entrySet()) {
            if (constantTimeEquals(token, entry.getKey())) {
                team = entry.getValue();
            }
        }
        if (team == null) {
            throw new AuthException(401, "unknown API token");
        }
        return new Caller(team, false);
    }

    /**
     * The caller, who must belong to {@code owner} (or be an admin) to {@code action}; 403
     * otherwise.
     */
    public Caller authorize(Caller caller, String owner, String action) {
        if (!caller.admin() && !caller.team().equals(owner)) {
            throw new AuthException(
                    403,
                    "team '"
                            + caller.team()
                            + "' may not "
                            + action
                            + ": it belongs to team '"
                            + owner
                            + "'");
        }
        return caller;
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(
                a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
