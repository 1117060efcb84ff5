package dev.glide.planner.api;

import dev.glide.contract.MalformedEventException;
import dev.glide.contract.RolloutCommand;
import java.util.Arrays;
import java.util.List;

/**
 * Request parameters the rollout and train resources read alike, refused with the name of what was
 * wrong.
 */
public final class Requests {

    private Requests() {}

    /** The command a path's {@code {action}} names: promote, abort, pause or resume. */
    public static RolloutCommand.Type command(String action) {
        return Arrays.stream(RolloutCommand.Type.values())
                .filter(t -> t.name().equalsIgnoreCase(action))
                .findFirst()
                .orElseThrow(
                        () ->
                                new MalformedEventException(
                                        "command",
                                        List.of(
                                                "action: '"
                                                        + action
                                                        + "' is not one of promote, abort, pause, resume")));
    }

    /** A list's {@code limit}, between 1 and 1000. */
    public static int limit(int limit) {
        if (limit < 1 || limit > 1000) {
            throw new MalformedEventException(
                    "query", List.of("limit: " + limit + " is not between 1 and 1000"));
        }
        return limit;
    }
}
