package dev.glide.planner.api;

import dev.glide.contract.EventCodec;
import dev.glide.planner.auth.AuthException;
import dev.glide.planner.auth.Caller;
import dev.glide.planner.auth.TeamAuth;
import dev.glide.planner.kernel.Problem;
import dev.glide.planner.service.ServiceRegistry;
import dev.glide.planner.service.ServiceSpec;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * {@code /api/services}: register a service (owner, gateway binding, stable version, strategy,
 * policy) and read it.
 */
@Path("/api/services")
@Produces(MediaType.APPLICATION_JSON)
public class ServiceResource {

    /** Service names become topic keys, route names and URL segments: keep them plain. */
    private static final String NAME = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";

    private final ServiceRegistry registry;
    private final EventCodec codec;
    private final TeamAuth auth;

    ServiceResource(ServiceRegistry registry, EventCodec codec, TeamAuth auth) {
        this.registry = registry;
        this.codec = codec;
        this.auth = auth;
    }

    @PUT
    @Path("/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response put(
            @PathParam("name") String name,
            @HeaderParam("Authorization") String authorization,
            String body) {
        if (!name.matches(NAME)) {
            throw new Problem(
                    400,
                    "invalid service name",
                    List.of(
                            "name: '"
                                    + name
                                    + "' must be lowercase letters, digits and dashes (at most 63)"));
        }
        Caller caller = auth.authenticate(authorization);
        ServiceSpec spec = codec.decode(body, ServiceSpec.class);
        if (!spec.problems().isEmpty()) {
            throw new Problem(400, "invalid service registration", spec.problems());
        }
        var existing = registry.find(name);
        auth.authorize(
                caller,
                existing.map(ServiceSpec::team).orElse(spec.team()),
                "register or change service '" + name + "'");
        if (existing.isPresent() && !existing.get().team().equals(spec.team()) && !caller.admin()) {
            throw new AuthException(
                    403,
                    "only the platform team may move service '"
                            + name
                            + "' to team '"
                            + spec.team()
                            + "'");
        }
        boolean created = registry.put(name, spec);
        return Response.status(created ? 201 : 200).entity(spec).build();
    }

    @GET
    @Path("/{name}")
    public ServiceSpec get(@PathParam("name") String name) {
        return registry.require(name);
    }

    @GET
    public List<String> list() {
        return registry.names();
    }
}
