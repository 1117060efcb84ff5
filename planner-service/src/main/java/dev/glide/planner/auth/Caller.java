package dev.glide.planner.auth;

import java.util.Set;

/**
 * Who is calling: the teams they act for (one for a team token; every team an SSO token's groups
 * map to) or the platform admins, or anyone when the API is open. {@code name} is how the log shows
 * them: the team, {@code admin} for the admin token, or an SSO token's user.
 */
public record Caller(String name, Set<String> teams, boolean admin) {

    static final Caller ANYONE = new Caller(null, Set.of(), true);

    public Caller {
        teams = Set.copyOf(teams);
    }

    static Caller team(String team) {
        return new Caller(team, Set.of(team), false);
    }

    /** Whether this caller may act on what {@code owner} owns. */
    public boolean actsFor(String owner) {
        return admin || teams.contains(owner);
    }

    /** How the caller appears in a rollout's log, refined by the person they name. */
    public String actor(String person) {
        String who = person == null || person.isBlank() ? null : person;
        if (name == null) {
            return who == null ? "api" : who;
        }
        return who == null ? name : who + " (" + name + ")";
    }
}
