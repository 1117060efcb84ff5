package dev.glide.planner.api;

import dev.glide.contract.RolloutCommand;
import dev.glide.planner.auth.Caller;
import dev.glide.planner.kernel.Aggregate;
import dev.glide.planner.kernel.AggregateRow;
import dev.glide.planner.kernel.Fold;
import dev.glide.planner.kernel.HistoryEntry;
import dev.glide.planner.kernel.Kernel;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;

/**
 * What the API serves alike for every kind of aggregate (a rollout, a release train): its log, the
 * fold of its log, and promote, abort, pause or resume, each command id acted on once.
 */
abstract class AggregateResource<R extends AggregateRow, S, I, O> {

    private final Kernel kernel;
    private final Aggregate<R, S, I, O> aggregate;
    private final RolloutCommand.Target target;

    AggregateResource(
            Kernel kernel, Aggregate<R, S, I, O> aggregate, RolloutCommand.Target target) {
        this.kernel = kernel;
        this.aggregate = aggregate;
        this.target = target;
    }

    /** The caller, who must have the right to {@code action} the aggregate {@code id}. */
    abstract Caller authorize(String authorization, String id, String action);

    /** Every entry of its log, oldest first: inputs, steps, actions and transitions. */
    @GET
    @Path("/{id}/history")
    public List<HistoryEntry> history(@PathParam("id") String id) {
        return kernel.history(aggregate, id);
    }

    /**
     * The stored status beside the one folded from the log: they are equal, or replay is broken.
     */
    @GET
    @Path("/{id}/fold")
    public Fold<S> fold(@PathParam("id") String id) {
        return kernel.fold(aggregate, id);
    }

    /**
     * {@code promote}, {@code abort}, {@code pause} or {@code resume}; 409 with the reason when it
     * makes no sense now. The same {@code commandId} again gets the first answer back.
     */
    @POST
    @Path("/{id}/{action}")
    public Response command(
            @PathParam("id") String id,
            @PathParam("action") String action,
            @QueryParam("actor") String actor,
            @QueryParam("commandId") String commandId,
            @QueryParam("reason") String reason,
            @HeaderParam("Authorization") String authorization) {
        RolloutCommand.Type type = Requests.command(action);
        Caller caller = authorize(authorization, id, type.name().toLowerCase(Locale.ROOT));
        return Requests.answered(
                kernel.command(
                        aggregate,
                        Requests.command(
                                target, commandId, id, type, caller.actor(actor), reason)));
    }
}
