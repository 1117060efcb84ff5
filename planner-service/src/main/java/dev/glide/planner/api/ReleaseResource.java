package dev.glide.planner.api;

import dev.glide.contract.EventCodec;
import dev.glide.contract.MalformedEventException;
import dev.glide.contract.ReleaseEvent;
import dev.glide.planner.auth.Caller;
import dev.glide.planner.auth.TeamAuth;
import dev.glide.planner.kernel.Problem;
import dev.glide.planner.release.CdEventsReleases;
import dev.glide.planner.release.ReleaseIntake;
import dev.glide.planner.rollout.Rollout;
import dev.glide.planner.service.ServiceRegistry;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
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
    public Response release(
            @HeaderParam("Authorization") String authorization,
            @Context HttpHeaders headers,
            String body) {
        Caller caller = auth.authenticate(authorization);
        Map<String, List<String>> all = new HashMap<>(headers.getRequestHeaders());
        if (CdEventsReleases.isBinary(all)) {
            // a CloudEvent in binary content mode, as the CloudEvents SDKs send by default: its
            // attributes in ce-* headers, the CDEvent as the body
            return accepted(
                    authorized(
                            caller, cdEvents.fromHttp(all, body.getBytes(StandardCharsets.UTF_8))));
        }
        return accepted(authorized(caller, codec.decode(body, ReleaseEvent.class)));
    }

    /**
     * Several CloudEvents at once ({@code application/cloudevents-batch+json}), each accepted or
     * refused on its own: 202 when all were accepted, 207 when some were, 400 when none; the body
     * lists every event by its place in the batch with its rollout or why it was refused.
     */
    @POST
    @Consumes("application/cloudevents-batch+json")
    @Produces(MediaType.APPLICATION_JSON)
    public Response releaseBatch(@HeaderParam("Authorization") String authorization, String body) {
        Caller caller = auth.authenticate(authorization);
        List<String> events = cdEvents.batch(body);
        List<Map<String, Object>> results = new ArrayList<>();
        int accepted = 0;
        for (int i = 0; i < events.size(); i++) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("index", i);
            result.put("id", idOf(events.get(i)));
            try {
                Rollout rollout = authorized(caller, cdEvents.toRelease(events.get(i)));
                result.put("rolloutId", rollout.id);
                result.put("state", rollout.state.name());
                accepted++;
            } catch (MalformedEventException e) {
                result.put("status", 400);
                result.put("error", "invalid CloudEvent");
                result.put("problems", e.problems());
            } catch (Problem e) {
                result.put("status", e.status());
                result.put("error", e.error());
                result.put("problems", e.problems());
            }
            results.add(result);
        }
        int status = accepted == events.size() ? 202 : accepted > 0 ? 207 : 400;
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(Map.of("accepted", accepted, "events", results))
                .build();
    }

    private String idOf(String event) {
        try {
            return codec.tree(event).path("id").asText(null);
        } catch (MalformedEventException e) {
            return null;
        }
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
        if (!caller.admin()) {
            // a caller who acts for every team needs no owner (an unknown service is a 404 all the
            // same, from the intake)
            String owner = services.require(release.service()).team();
            auth.authorize(caller, owner, "release service '" + release.service() + "'");
        }
        return intake.accept(release, caller.actor(null));
    }

    private static Response accepted(Rollout rollout) {
        return Response.accepted(Map.of("rolloutId", rollout.id, "state", rollout.state.name()))
                .location(URI.create("/api/rollouts/" + rollout.id))
                .build();
    }
}
