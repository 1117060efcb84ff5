package dev.glide.analysis.api;

import dev.glide.analysis.judge.AnalysisEngine;
import dev.glide.contract.EventCodec;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The offline judge: a scenario in, its verdict out, by the same engine as live analysis, without
 * Kafka.
 */
@Path("/api/analysis")
public class JudgeResource {

    private final AnalysisEngine engine;
    private final EventCodec codec;

    JudgeResource(AnalysisEngine engine, EventCodec codec) {
        this.engine = engine;
        this.codec = codec;
    }

    @POST
    @Path("/judge")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Judge a scenario of canary and baseline windows",
            description =
                    "Returns PASS, FAIL or INCONCLUSIVE, the window the verdict was reached at, a 0-100 score and "
                            + "the evidence. A malformed scenario is answered 400 naming each bad field.")
    public AnalysisEngine.Result judge(String body) {
        JudgeRequest request = codec.decode(body, JudgeRequest.class);
        return engine.judge(request.windows(), request.criteria());
    }
}
