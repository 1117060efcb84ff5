package dev.glide.planner.api;

import dev.glide.contract.MalformedEventException;
import dev.glide.planner.auth.AuthException;
import dev.glide.planner.rollout.CommandRefusedException;
import dev.glide.planner.rollout.UnknownRolloutException;
import dev.glide.planner.service.UnknownServiceException;
import dev.glide.planner.strategy.InvalidStrategyException;
import dev.glide.planner.train.UnknownTrainException;
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
public class ProblemMappers {

    @ServerExceptionMapper
    public Response malformed(MalformedEventException e) {
        return problem(400, "invalid request body", e.problems());
    }

    @ServerExceptionMapper
    public Response invalidStrategy(InvalidStrategyException e) {
        return problem(400, "invalid strategy", e.problems());
    }

    @ServerExceptionMapper
    public Response unknownService(UnknownServiceException e) {
        return problem(404, e.getMessage(), List.of());
    }

    @ServerExceptionMapper
    public Response unknownRollout(UnknownRolloutException e) {
        return problem(404, e.getMessage(), List.of());
    }

    @ServerExceptionMapper
    public Response unknownTrain(UnknownTrainException e) {
        return problem(404, e.getMessage(), List.of());
    }

    @ServerExceptionMapper
    public Response unauthorized(AuthException e) {
        Response response = problem(e.status(), e.getMessage(), List.of());
        return e.status() == 401
                ? Response.fromResponse(response)
                        .header("WWW-Authenticate", "Bearer realm=\"glide\"")
                        .build()
                : response;
    }

    @ServerExceptionMapper
    public Response refused(CommandRefusedException e) {
        return problem(409, e.getMessage(), List.of());
    }

    /** The API's one shape for a refusal: {@code {"error": ..., "problems": [...]}}. */
    public static Response problem(int status, String error, List<String> problems) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("problems", problems);
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
    }
}
