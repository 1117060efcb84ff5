package dev.glide.planner.api;

import dev.glide.contract.MalformedEventException;
import dev.glide.contract.jpa.DatabaseOutage;
import dev.glide.planner.kernel.Problem;
import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every refusal the API gives is JSON naming what was wrong: {@code {"error": ..., "problems":
 * [...]}}.
 */
public class ProblemMapper {

    @ServerExceptionMapper
    public Response problem(Problem e) {
        Response response = problem(e.status(), e.error(), e.problems());
        return e.status() == 401
                ? Response.fromResponse(response)
                        .header("WWW-Authenticate", "Bearer realm=\"glide\"")
                        .build()
                : response;
    }

    /** A request body (or query) that is not what the contract says. */
    @ServerExceptionMapper
    public Response malformed(MalformedEventException e) {
        return problem(400, "invalid request body", e.problems());
    }

    /**
     * PostgreSQL unreachable: 503 with Retry-After, so clients and CI retry rather than give up
     * (nothing was stored); anything else is a server error as before.
     */
    @ServerExceptionMapper
    public Response unavailable(PersistenceException e) {
        if (!DatabaseOutage.isOutage(e)) {
            return problem(500, "internal error", List.of(String.valueOf(e.getMessage())));
        }
        return Response.fromResponse(
                        problem(
                                503,
                                "the database is unreachable; nothing was stored, try again",
                                List.of(String.valueOf(e.getMessage()))))
                .header("Retry-After", "5")
                .build();
    }

    private static Response problem(int status, String error, List<String> problems) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("problems", problems);
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
    }
}
