package dev.glide.planner.api;

import dev.glide.contract.MalformedEventException;
import dev.glide.contract.RolloutCommand;
import dev.glide.planner.kernel.CommandAnswer;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

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

    /** A command given over the API, with a new id unless the caller gave one (to retry safely). */
    public static RolloutCommand command(
            RolloutCommand.Target kind,
            String commandId,
            String target,
            RolloutCommand.Type type,
            String actor,
            String reason) {
        return new RolloutCommand(
                RolloutCommand.SCHEMA_VERSION,
                commandId == null ? UUID.randomUUID().toString() : commandId,
                target,
                type,
                actor,
                "api",
                reason,
                Instant.now(),
                kind);
    }

    /** A command's answer: 200 when accepted, 409 with the reason when it makes no sense now. */
    public static Response answered(CommandAnswer answer) {
        return Response.status(answer.accepted() ? 200 : 409).entity(answer).build();
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
