package dev.glide.planner.api;

import dev.glide.contract.MalformedEventException;
import dev.glide.contract.RolloutCommand;
import dev.glide.contract.RolloutState;
import dev.glide.planner.auth.Caller;
import dev.glide.planner.auth.TeamAuth;
import dev.glide.planner.kernel.Kernel;
import dev.glide.planner.rollout.MachineInput;
import dev.glide.planner.rollout.MachineOutput;
import dev.glide.planner.rollout.Rollout;
import dev.glide.planner.rollout.RolloutCommands;
import dev.glide.planner.rollout.RolloutDriver;
import dev.glide.planner.rollout.RolloutQueries;
import dev.glide.planner.rollout.RolloutStatus;
import dev.glide.planner.rollout.RolloutStreams;
import dev.glide.planner.rollout.RolloutView;
import dev.glide.planner.service.ServiceRegistry;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * {@code /api/rollouts}: see rollouts and their history, and promote, abort, pause or resume them.
 */
@Path("/api/rollouts")
@Produces(MediaType.APPLICATION_JSON)
public class RolloutResource
        extends AggregateResource<Rollout, RolloutStatus, MachineInput, MachineOutput> {

    private final RolloutQueries queries;
    private final RolloutStreams streams;
    private final RolloutCommands commands;
    private final ServiceRegistry services;
    private final TeamAuth auth;

    RolloutResource(
            RolloutQueries queries,
            RolloutStreams streams,
            RolloutCommands commands,
            Kernel kernel,
            RolloutDriver driver,
            ServiceRegistry services,
            TeamAuth auth) {
        super(kernel, driver, RolloutCommand.Target.ROLLOUT);
        this.queries = queries;
        this.streams = streams;
        this.commands = commands;
        this.services = services;
        this.auth = auth;
    }

    @GET
    public List<RolloutView> list(
            @QueryParam("service") String service,
            @QueryParam("team") String team,
            @QueryParam("state") String state,
            @QueryParam("limit") @DefaultValue("200") int limit) {
        return queries.list(
                service, team, state == null ? null : parseState(state), Requests.limit(limit));
    }

    /** The list as server-sent events: now, and again whenever a rollout in it changes. */
    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Blocking
    public Multi<String> listStream(
            @QueryParam("service") String service,
            @QueryParam("team") String team,
            @QueryParam("state") String state,
            @QueryParam("limit") @DefaultValue("200") int limit) {
        return streams.list(
                service, team, state == null ? null : parseState(state), Requests.limit(limit));
    }

    /**
     * One rollout as server-sent events: itself with its whole history, then each change with the
     * new entries.
     */
    @GET
    @Path("/{id}/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Blocking
    public Multi<RolloutQueries.Update> stream(@PathParam("id") String id) {
        return streams.rollout(id);
    }

    @GET
    @Path("/{id}")
    public RolloutView get(@PathParam("id") String id) {
        return queries.get(id);
    }

    /**
     * Sends the desired traffic state to the gateway again, e.g. after it drifted or was rebuilt.
     */
    @POST
    @Path("/{id}/replay")
    public Response replay(
            @PathParam("id") String id,
            @QueryParam("actor") String actor,
            @HeaderParam("Authorization") String authorization) {
        Caller caller = authorize(authorization, id, "replay");
        return Requests.answered(commands.replay(id, caller.actor(actor)));
    }

    /** The caller, who must own the rollout's service to act on it. */
    @Override
    Caller authorize(String authorization, String rolloutId, String action) {
        Caller caller = auth.authenticate(authorization);
        if (caller.admin()) {
            // acts for every team: nothing to look up (an unknown rollout is a 404 all the same)
            return caller;
        }
        String service = queries.serviceOf(rolloutId);
        return auth.authorize(
                caller,
                services.require(service).team(),
                action + " rollouts of service '" + service + "'");
    }

    private static RolloutState parseState(String state) {
        try {
            return RolloutState.valueOf(state.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException(
                    "query",
                    List.of(
                            "state: '"
                                    + state
                                    + "' is not one of "
                                    + Arrays.toString(RolloutState.values())));
        }
    }
}
