package dev.glide.planner.release;

import dev.glide.contract.EventCodec;
import dev.glide.contract.ReleaseEvent;
import dev.glide.planner.rollout.Rollout;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Map;

/** {@code POST /api/releases}: a team's CI asks for a release; answered 202 with the rollout's id and location. */
@Path("/api/releases")
public class ReleaseResource {

    private final ReleaseIntake intake;
    private final EventCodec codec;

    ReleaseResource(ReleaseIntake intake, EventCodec codec) {
        this.intake = intake;
        this.codec = codec;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response release(String body) {
        Rollout rollout = intake.accept(codec.decode(body, ReleaseEvent.class));
        return Response.accepted(Map.of("rolloutId", rollout.id, "state", rollout.state.name()))
                .location(URI.create("/api/rollouts/" + rollout.id))
                .build();
    }
}
