package dev.glide.planner.rollout;

import dev.glide.contract.MalformedEventException;
import dev.glide.contract.RolloutCommand;
import dev.glide.contract.RolloutState;
import dev.glide.planner.auth.Caller;
import dev.glide.planner.auth.TeamAuth;
import dev.glide.planner.service.ServiceRegistry;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** {@code /api/rollouts}: see rollouts and their history, and promote, abort, pause or resume them. */
@Path("/api/rollouts")
@Produces(MediaType.APPLICATION_JSON)
public class RolloutResource {

    private final RolloutQueries queries;
    private final RolloutCommands commands;
    private final ServiceRegistry services;
    private final TeamAuth auth;

    RolloutResource(RolloutQueries queries, RolloutCommands commands, ServiceRegistry services, TeamAuth auth) {
        this.queries = queries;
        this.commands = commands;
        this.services = services;
        this.auth = auth;
    }

    @GET
    public List<RolloutView> list(@QueryParam("service") String service, @QueryParam("state") String state) {
        return queries.list(service, state == null ? null : parseState(state));
    }

    @GET
    @Path("/{id}")
    public RolloutView get(@PathParam("id") String id) {
        return queries.get(id);
    }

    @GET
    @Path("/{id}/history")
    public List<RolloutQueries.HistoryEntry> history(@PathParam("id") String id) {
        return queries.history(id);
    }

    /** The stored status beside the one folded from the log: they are equal, or replay is broken. */
    @GET
    @Path("/{id}/fold")
    public RolloutQueries.Fold fold(@PathParam("id") String id) {
        return queries.fold(id);
    }

    /** Sends the desired traffic state to the gateway again, e.g. after it drifted or was rebuilt. */
    @POST
    @Path("/{id}/replay")
    public Response replay(@PathParam("id") String id, @QueryParam("actor") String actor,
            @HeaderParam("Authorization") String authorization) {
        Caller caller = authorize(authorization, id, "replay");
        RolloutCommands.Answer answer = commands.replay(id, caller.actor(actor));
        return Response.status(answer.accepted() ? 200 : 409).entity(answer).build();
    }

    /** {@code promote}, {@code abort}, {@code pause} or {@code resume}; 409 with the reason when it makes no sense now. */
    @POST
    @Path("/{id}/{action}")
    public Response command(@PathParam("id") String id, @PathParam("action") String action,
            @QueryParam("actor") String actor, @QueryParam("commandId") String commandId,
            @QueryParam("reason") String reason, @HeaderParam("Authorization") String authorization) {
        RolloutCommand.Type type = Arrays.stream(RolloutCommand.Type.values())
                .filter(t -> t.name().equalsIgnoreCase(action)).findFirst()
                .orElseThrow(() -> new MalformedEventException("command", List.of("action: '" + action
                        + "' is not one of promote, abort, pause, resume")));
        Caller caller = authorize(authorization, id, type.name().toLowerCase(Locale.ROOT));
        RolloutCommand command = new RolloutCommand(RolloutCommand.SCHEMA_VERSION,
                commandId == null ? UUID.randomUUID().toString() : commandId, id, type,
                caller.actor(actor), "api", reason, Instant.now());
        RolloutCommands.Answer answer = commands.apply(command);
        return Response.status(answer.accepted() ? 200 : 409).entity(answer).build();
    }

    /** The caller, who must own the rollout's service to act on it. */
    private Caller authorize(String authorization, String rolloutId, String action) {
        Caller caller = auth.authenticate(authorization);
        RolloutView rollout = queries.get(rolloutId);
        return auth.authorize(caller, services.require(rollout.service()).team(),
                action + " rollouts of service '" + rollout.service() + "'");
    }

    private static RolloutState parseState(String state) {
        try {
            return RolloutState.valueOf(state.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException("query", List.of("state: '" + state + "' is not one of "
                    + Arrays.toString(RolloutState.values())));
        }
    }
}
