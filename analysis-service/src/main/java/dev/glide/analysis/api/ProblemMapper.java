package dev.glide.analysis.api;

import dev.glide.contract.MalformedEventException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A malformed request is answered as the planner answers one: {@code {"error": ..., "problems":
 * [...]}}.
 */
public class ProblemMapper {

    @ServerExceptionMapper
    public Response malformed(MalformedEventException e) {
        return Response.status(400)
                .type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", "invalid request body", "problems", e.problems()))
                .build();
    }
}
