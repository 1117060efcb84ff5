package dev.glide.planner.rollout;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.glide.contract.AnalysisVerdict;
import dev.glide.contract.ExperimentFindings;
import dev.glide.contract.RolloutCommand;
import dev.glide.contract.Weights;
import dev.glide.planner.strategy.PlannedStep.AwaitTrain;
import java.util.List;

/**
 * What can happen to a rollout. Each accepted input is logged, so the log replays to the same
 * state.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.SIMPLE_NAME, property = "input")
@JsonSubTypes({
    @JsonSubTypes.Type(MachineInput.Start.class),
    @JsonSubTypes.Type(MachineInput.TrafficConfirmed.class),
    @JsonSubTypes.Type(MachineInput.TrafficFailed.class),
    @JsonSubTypes.Type(MachineInput.DriftReported.class),
    @JsonSubTypes.Type(MachineInput.VerdictReceived.class),
    @JsonSubTypes.Type(MachineInput.CommandReceived.class),
    @JsonSubTypes.Type(MachineInput.TimerFired.class),
    @JsonSubTypes.Type(MachineInput.ReplayRequested.class),
    @JsonSubTypes.Type(MachineInput.TrainProceeds.class)
})
public sealed interface MachineInput {

    /** The rollout was created from a release. */
    record Start() implements MachineInput {}

    /** The traffic service read back what the gateway serves after step {@code sequence}. */
    record TrafficConfirmed(long sequence, Weights served) implements MachineInput {}

    /** The traffic service could not set step {@code sequence}. */
    record TrafficFailed(long sequence, String reason) implements MachineInput {}

    /**
     * A reconcile found the gateway serving something other than step {@code sequence} ({@code
     * served}, when it could be read) and left it, the binding's drift policy being {@code report}:
     * noted in the history, nothing changes. A person can replay the step to correct it.
     */
    record DriftReported(long sequence, Weights served, String found) implements MachineInput {}

    /**
     * A verdict of the analysis started at log sequence {@code analysisSequence}, after window
     * {@code window}. Its evidence rides along into the log for people (the dashboard charts canary
     * against baseline per window); the machine decides on the verdict alone.
     */
    record VerdictReceived(
            long analysisSequence,
            int window,
            AnalysisVerdict.Verdict verdict,
            String summary,
            List<AnalysisVerdict.Check> checks,
            List<String> guardrailFailed,
            String winner,
            ExperimentFindings experiment)
            implements MachineInput {

        @JsonCreator
        public VerdictReceived {
            checks = checks == null ? List.of() : List.copyOf(checks);
            guardrailFailed = guardrailFailed == null ? List.of() : List.copyOf(guardrailFailed);
        }

        public VerdictReceived(
                long analysisSequence,
                int window,
                AnalysisVerdict.Verdict verdict,
                String summary,
                List<AnalysisVerdict.Check> checks) {
            this(analysisSequence, window, verdict, summary, checks, null, null, null);
        }

        public VerdictReceived(
                long analysisSequence,
                int window,
                AnalysisVerdict.Verdict verdict,
                String summary) {
            this(analysisSequence, window, verdict, summary, List.of());
        }
    }

    /** A person's or a tool's command, with why they gave it (may be null). */
    record CommandReceived(RolloutCommand.Type type, String actor, String reason)
            implements MachineInput {

        @JsonCreator
        public CommandReceived {}

        public CommandReceived(RolloutCommand.Type type, String actor) {
            this(type, actor, null);
        }

        /** "aborted by alice", or "aborted by alice: errors in eu-west" with a reason. */
        String describe(String verb) {
            return verb
                    + " by "
                    + actor
                    + (reason == null || reason.isBlank() ? "" : ": " + reason);
        }
    }

    /**
     * Someone asks for the desired traffic state to be sent to the gateway again (it drifted, or
     * was rebuilt).
     */
    record ReplayRequested(String actor) implements MachineInput {}

    /**
     * A pause or rollback-window timer set when step {@code stepIndex} was entered in {@code epoch}
     * ran out.
     */
    record TimerFired(int stepIndex, int epoch) implements MachineInput {}

    /**
     * The rollout's release train lets it past {@code gate}: into the joint cutover, or out of the
     * rollback window.
     */
    record TrainProceeds(AwaitTrain.Gate gate, String train) implements MachineInput {}
}
