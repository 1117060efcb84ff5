package dev.glide.planner.auth;

/** Who is calling: a team (or the platform admins), or anyone when the API is open. */
public record Caller(String team, boolean admin) {

    static final Caller ANYONE = new Caller(null, true);

    /** How the caller appears in a rollout's log, refined by the person they name. */
    public String actor(String person) {
        String who = person == null || person.isBlank() ? null : person;
        if (team == null) {
            return who == null ? "api" : who;
        }
        String as = admin ? "admin" : team;
        return who == null ? as : who + " (" + as + ")";
    }
}
