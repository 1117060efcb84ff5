package dev.glide.planner.auth;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Checks credentials: team API tokens, the admin token, and SSO bearer tokens (JWTs of the
 * configured issuer, verified by smallrye-jwt against the issuer's JWKS: signature, expiry, issuer,
 * audience), whose groups say which teams the caller acts for. A team may release, promote, abort
 * and register only its own services.
 */
@ApplicationScoped
public class TeamAuth {

    private static final Logger LOG = Logger.getLogger(TeamAuth.class);
    private static final String BEARER = "Bearer ";

    private final Map<String, String> teamByToken = new HashMap<>();
    private final String adminToken;
    private final AuthConfig.ReadAccess readAccess;
    private final JWTParser parser;
    private final JWTAuthContextInfo jwt;
    private final Map<String, Set<String>> teamsByGroup = new HashMap<>();
    private final Set<String> adminGroups;

    TeamAuth(AuthConfig config, JWTParser parser) {
        config.tokens()
                .forEach((team, tokens) -> list(tokens).forEach(t -> teamByToken.put(t, team)));
        this.adminToken = config.adminToken().filter(t -> !t.isBlank()).orElse(null);
        this.readAccess = config.readAccess();
        this.parser = parser;
        this.jwt =
                config.jwt()
                        .issuer()
                        .filter(i -> !i.isBlank())
                        .map(i -> jwt(i, config.jwt()))
                        .orElse(null);
        config.jwt()
                .teamGroups()
                .forEach(
                        (team, groups) ->
                                list(groups)
                                        .forEach(
                                                g ->
                                                        teamsByGroup
                                                                .computeIfAbsent(
                                                                        g, k -> new TreeSet<>())
                                                                .add(team)));
        this.adminGroups = Set.copyOf(list(config.jwt().adminGroups().orElse("")));
    }

    private static JWTAuthContextInfo jwt(String issuer, AuthConfig.Jwt config) {
        String jwks =
                config.jwksUrl()
                        .filter(u -> !u.isBlank())
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                "glide.auth.jwt.issuer is '"
                                                        + issuer
                                                        + "' but glide.auth.jwt.jwks-url is not set: give the issuer's JWKS URL"
                                                        + " (its OpenID configuration's jwks_uri)"));
        JWTAuthContextInfo info = new JWTAuthContextInfo(jwks, issuer);
        config.audience()
                .filter(a -> !a.isBlank())
                .ifPresent(a -> info.setExpectedAudience(Set.of(a)));
        info.setGroupsPath(config.groupsClaim());
        info.setSubjectPath("preferred_username");
        info.setRequireNamedPrincipal(false);
        return info;
    }

    private static List<String> list(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(","))
                .map(String::trim)
                .filter(t -> !t.isEmpty())
                .toList();
    }

    void warnIfOpen(@Observes StartupEvent startup) {
        if (isOpen()) {
            LOG.warn(
                    "No API tokens or SSO issuer are configured (glide.auth.tokens.<team>, glide.auth.admin-token,"
                            + " glide.auth.jwt.issuer): anyone who can reach the planner may release, promote and abort."
                            + " Fine for a local run, never for production.");
        }
    }

    public boolean isOpen() {
        return teamByToken.isEmpty() && adminToken == null && jwt == null;
    }

    /** Whether reads need credentials too ({@code glide.auth.read-access=authenticated}). */
    public boolean readsNeedCredentials() {
        return !isOpen() && readAccess == AuthConfig.ReadAccess.AUTHENTICATED;
    }

    /** The caller named by an {@code Authorization} header; 401 when it names nobody. */
    public Caller authenticate(String authorization) {
        if (isOpen()) {
            return Caller.ANYONE;
        }
        if (authorization == null || !authorization.startsWith(BEARER)) {
            throw new AuthException(
                    401,
                    "missing credentials: send 'Authorization: Bearer <your team's API token or SSO token>'");
        }
        return bearer(authorization.substring(BEARER.length()).trim());
    }

    /** The caller a bearer token names; 401 when it names nobody. */
    public Caller bearer(String token) {
        if (adminToken != null && constantTimeEquals(token, adminToken)) {
            return new Caller("admin", Set.of(), true);
        }
        // Compare against every token, so the time taken does not say how close a guess was.
        String team = null;
        for (var entry : teamByToken.entrySet()) {
            if (constantTimeEquals(token, entry.getKey())) {
                team = entry.getValue();
            }
        }
        if (team != null) {
            return Caller.team(team);
        }
        if (jwt != null && token.chars().filter(c -> c == '.').count() == 2) {
            return sso(token);
        }
        throw new AuthException(401, "unknown API token");
    }

    private Caller sso(String token) {
        JsonWebToken verified;
        try {
            verified = parser.parse(token, jwt);
        } catch (ParseException e) {
            String reason = reason(e);
            LOG.infof("refused an SSO token: %s", reason);
            throw new AuthException(401, "invalid SSO token: " + reason);
        }
        Set<String> groups = verified.getGroups() == null ? Set.of() : verified.getGroups();
        Set<String> teams = new TreeSet<>();
        groups.forEach(g -> teams.addAll(teamsByGroup.getOrDefault(g, Set.of())));
        boolean admin = groups.stream().anyMatch(adminGroups::contains);
        String user = verified.getName() != null ? verified.getName() : verified.getSubject();
        return new Caller(user == null ? "sso" : user, teams, admin);
    }

    /** What was wrong with a token, from the innermost cause that says (expiry, signature, ...). */
    private static String reason(Throwable e) {
        Set<Throwable> seen = new HashSet<>();
        String reason = e.getMessage();
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                reason = t.getMessage();
            }
        }
        return reason;
    }

    /**
     * The caller, who must act for {@code owner} (or be an admin) to {@code action}; 403 otherwise.
     */
    public Caller authorize(Caller caller, String owner, String action) {
        if (!caller.actsFor(owner)) {
            String who =
                    caller.teams().equals(Set.of(caller.name()))
                            ? "team '" + caller.name() + "'"
                            : caller.teams().isEmpty()
                                    ? "'" + caller.name() + "', whose groups map to no team,"
                                    : "'"
                                            + caller.name()
                                            + "' (team "
                                            + String.join(", ", caller.teams())
                                            + ")";
            throw new AuthException(
                    403, who + " may not " + action + ": it belongs to team '" + owner + "'");
        }
        return caller;
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(
                a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
