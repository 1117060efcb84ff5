package dev.glide.planner.api;

import dev.glide.contract.EventCodec;
import dev.glide.contract.ReleaseEvent;
import dev.glide.planner.auth.Caller;
import dev.glide.planner.auth.TeamAuth;
import dev.glide.planner.release.CdEventsReleases;
import dev.glide.planner.release.ReleaseIntake;
import dev.glide.planner.rollout.Rollout;
import dev.glide.planner.service.ServiceRegistry;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Map;

/**
 * {@code POST /api/releases}: a team's CI asks for a release; answered 202 with the rollout's id
 * and location.
 */
@Path("/api/releases")
public class ReleaseResource {

    private final ReleaseIntake intake;
    private final EventCodec codec;
    private final CdEventsReleases cdEvents;
    private final ServiceRegistry services;
    private final TeamAuth auth;

    ReleaseResource(
            ReleaseIntake intake,
            EventCodec codec,
            CdEventsReleases cdEvents,
            ServiceRegistry services,
            TeamAuth auth) {
        this.intake = intake;
        this.codec = codec;
        this.cdEvents = cdEvents;
        this.services = services;
        this.auth = auth;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response release(@HeaderParam("Authorization") String authorization, String body) {
        Caller caller = auth.authenticate(authorization);
        return accepted(authorized(caller, codec.decode(body, ReleaseEvent.class)));
    }

    /**
     * The same release as a CloudEvent carrying a CDEvents service.deployed, service.upgraded or
     * artifact.published.
     */
    @POST
    @Consumes("application/cloudevents+json")
    @Produces(MediaType.APPLICATION_JSON)
    public Response releaseCloudEvent(
            @HeaderParam("Authorization") String authorization, String body) {
        Caller caller = auth.authenticate(authorization);
        return accepted(authorized(caller, cdEvents.toRelease(body)));
    }

    private Rollout authorized(Caller caller, ReleaseEvent release) {
        String owner = services.require(release.service()).team();
        auth.authorize(caller, owner, "release service '" + release.service() + "'");
        return intake.accept(release, caller.actor(null));
    }

    private static Response accepted(Rollout rollout) {
        return Response.accepted(Map.of("rolloutId", rollout.id, "state", rollout.state.name()))
                .location(URI.create("/api/rollouts/" + rollout.id))
                .build();
    }
}
