package dev.glide.planner.api;

import dev.glide.contract.MalformedEventException;
import dev.glide.planner.kernel.Problem;
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

    private static Response problem(int status, String error, List<String> problems) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("problems", problems);
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
    }
}
