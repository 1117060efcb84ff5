package dev.glide.contract;

import jakarta.validation.constraints.NotBlank;
import java.util.List;

/**
 * One member of a release train as the train's events show it.
 *
 * @param rolloutId the member's own rollout, or null while it waits for the members it depends on
 * @param state where the member stands in the train: WAITING, CANARY, READY (its gates passed),
 *     CUTTING_OVER, CUT_OVER, FINISHING, SUCCEEDED, ABORTING, ABORTED or FAILED
 * @param canaryPercent the share the member's new version served when the train last heard of it
 * @param dependsOn the members it starts after
 */
public record TrainMember(
        @NotBlank String service,
        String version,
        String rolloutId,
        @NotBlank String state,
        double canaryPercent,
        List<String> dependsOn,
        String reason) {

    public TrainMember {
        dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
    }
}
