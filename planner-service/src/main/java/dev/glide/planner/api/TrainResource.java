package dev.glide.planner.api;

import dev.glide.contract.EventCodec;
import dev.glide.contract.RolloutCommand;
import dev.glide.contract.TrainRelease;
import dev.glide.planner.auth.Caller;
import dev.glide.planner.auth.TeamAuth;
import dev.glide.planner.kernel.Kernel;
import dev.glide.planner.rollout.RolloutStreams;
import dev.glide.planner.service.ServiceRegistry;
import dev.glide.planner.train.Train;
import dev.glide.planner.train.TrainDriver;
import dev.glide.planner.train.TrainInput;
import dev.glide.planner.train.TrainIntake;
import dev.glide.planner.train.TrainOutput;
import dev.glide.planner.train.TrainQueries;
import dev.glide.planner.train.TrainSpec;
import dev.glide.planner.train.TrainStatus;
import dev.glide.planner.train.TrainView;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.Consumes;
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
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * {@code /api/trains}: release several services as one train, see it and its history, and promote,
 * abort, pause or resume it whole. Acting on a train needs the right to act on every member's
 * service.
 */
@Path("/api/trains")
@Produces(MediaType.APPLICATION_JSON)
public class TrainResource extends AggregateResource<Train, TrainStatus, TrainInput, TrainOutput> {

    private final TrainIntake intake;
    private final TrainQueries queries;
    private final ServiceRegistry services;
    private final TeamAuth auth;
    private final EventCodec codec;
    private final RolloutStreams streams;

    TrainResource(
            TrainIntake intake,
            TrainQueries queries,
            Kernel kernel,
            TrainDriver driver,
            ServiceRegistry services,
            TeamAuth auth,
            EventCodec codec,
            RolloutStreams streams) {
        super(kernel, driver, RolloutCommand.Target.TRAIN);
        this.streams = streams;
        this.intake = intake;
        this.queries = queries;
        this.services = services;
        this.auth = auth;
        this.codec = codec;
    }

    /**
     * Answered 202 with the train's id, its location and each member's rollout id (known before it
     * starts).
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response release(@HeaderParam("Authorization") String authorization, String body) {
        Caller caller = auth.authenticate(authorization);
        TrainRelease release = codec.decode(body, TrainRelease.class);
        for (TrainRelease.Member member : release.members()) {
            auth.authorize(
                    caller,
                    services.require(member.service()).team(),
                    "release service '" + member.service() + "'");
        }
        Train train = intake.accept(release, caller.actor(null));
        Map<String, String> members = new LinkedHashMap<>();
        release.members()
                .forEach(
                        m ->
                                members.put(
                                        m.service(),
                                        TrainSpec.memberRolloutId(train.id, m.service())));
        return Response.accepted(
                        Map.of(
                                "trainId",
                                train.id,
                                "state",
                                train.state.name(),
                                "members",
                                members))
                .location(URI.create("/api/trains/" + train.id))
                .build();
    }

    @GET
    public List<TrainView> list(@QueryParam("limit") @DefaultValue("50") int limit) {
        return queries.list(Requests.limit(limit));
    }

    /**
     * One train as server-sent events, for its dashboard page: itself (each member's standing,
     * state and weight) with its history, again whenever any of it changes.
     */
    @GET
    @Path("/{id}/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Blocking
    public Multi<String> stream(@PathParam("id") String id) {
        queries.get(id); // an unknown train is a 404 now, not an empty stream
        return streams.changes("train " + id, () -> queries.update(id));
    }

    @GET
    @Path("/{id}")
    public TrainView get(@PathParam("id") String id) {
        return queries.get(id);
    }

    /** Acting on a train needs the right to act on every member's service. */
    @Override
    Caller authorize(String authorization, String id, String action) {
        Caller caller = auth.authenticate(authorization);
        if (caller.admin()) {
            // acts for every team: nothing to look up (an unknown train is a 404 all the same)
            return caller;
        }
        for (TrainView.MemberView member : queries.get(id).members()) {
            auth.authorize(
                    caller,
                    services.require(member.service()).team(),
                    action + " a train with service '" + member.service() + "'");
        }
        return caller;
    }
}
