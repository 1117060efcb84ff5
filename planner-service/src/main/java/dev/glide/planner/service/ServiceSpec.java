package dev.glide.planner.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.glide.contract.Backend;
import dev.glide.contract.Endpoints;
import dev.glide.contract.GatewayBinding;
import dev.glide.planner.strategy.InvalidStrategyException;
import dev.glide.planner.strategy.PlannedStep;
import dev.glide.planner.strategy.StrategyPlanner;
import dev.glide.planner.strategy.StrategySpec;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A service as a team registers it: who owns it, which gateway moves its traffic, what runs now,
 * and how its releases go out.
 *
 * @param team the owning team; only its members may release, promote or abort
 * @param gateway the adapter and the names the gateway knows the service by
 * @param stable the version serving now and where it runs
 * @param strategy how releases go out (default: canary 5 -> 25 -> 50 -> 100 % with analysis)
 * @param releasePolicy what a release does while another rollout runs (default: queue)
 * @param canaryEndpoints where new versions are deployed (a green slot), for releases that name no
 *     endpoints (CDEvents carry none)
 * @param environment the environment of releases that name none (default: production)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceSpec(
        @NotBlank String team,
        @NotNull @Valid GatewayBinding gateway,
        @NotNull @Valid Backend stable,
        @Valid StrategySpec strategy,
        ReleasePolicy releasePolicy,
        List<@NotBlank String> canaryEndpoints,
        String environment) {

    public ServiceSpec {
        strategy = strategy == null ? StrategySpec.defaults() : strategy;
        releasePolicy = releasePolicy == null ? ReleasePolicy.queue : releasePolicy;
        canaryEndpoints = canaryEndpoints == null ? List.of() : List.copyOf(canaryEndpoints);
        environment = environment == null || environment.isBlank() ? "production" : environment;
    }

    /**
     * What the traffic service could not serve: an adapter it has not, missing targets, endpoints
     * that are not http(s)://host:port. Each problem names its field; empty when all is well.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>(gateway.problems("gateway"));
        problems.addAll(
                Endpoints.problems("stable.endpoints", stable.endpoints(), gateway.schemes()));
        problems.addAll(Endpoints.problems("canaryEndpoints", canaryEndpoints, gateway.schemes()));
        problems.addAll(routeProblems());
        if (strategy != null && strategy.type() == StrategySpec.Type.experiment) {
            GatewayBinding.Adapter.named(gateway.adapter())
                    .flatMap(GatewayBinding.Adapter::refusesExperiments)
                    .ifPresent(why -> problems.add("strategy: " + why));
        }
        return problems;
    }

    /**
     * Match rules and sticky keys the strategy's steps will ask for that the binding's adapter
     * cannot serve: refused now, not in the middle of a rollout. (A strategy that does not plan is
     * refused for that, elsewhere.)
     */
    private List<String> routeProblems() {
        List<PlannedStep> plan;
        try {
            plan = StrategyPlanner.plan(strategy);
        } catch (InvalidStrategyException e) {
            return List.of();
        }
        Set<String> problems = new LinkedHashSet<>();
        for (PlannedStep step : plan) {
            if (step instanceof PlannedStep.Route route) {
                problems.addAll(
                        gateway.routeProblems(
                                "strategy", route.matchRules(), route.stickyKey(), route.mirror()));
            }
        }
        return List.copyOf(problems);
    }

    /** The same registration with another stable version, after a successful rollout. */
    public ServiceSpec withStable(Backend newStable) {
        return new ServiceSpec(
                team, gateway, newStable, strategy, releasePolicy, canaryEndpoints, environment);
    }
}
