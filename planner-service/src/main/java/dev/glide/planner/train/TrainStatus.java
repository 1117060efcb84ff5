package dev.glide.planner.train;

import dev.glide.contract.RolloutState;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * What a train's state machine knows between two inputs. Stored on the train row, and equal to
 * folding the train's logged inputs through {@link TrainMachine} from {@link #initial(TrainPlan)}.
 *
 * @param state the train as a whole, in the same states as a rollout
 * @param phase where a progressing or paused train is: its members' canaries, the cutover, the
 *     rollback window
 * @param epoch grows whenever the rollback window (re)starts or is paused: an older timer is stale
 * @param lastSequence the sequence of the train's newest log entry
 * @param members each member's standing, in the plan's (dependency) order
 * @param reason why the train is paused, aborting or failed, for people
 */
public record TrainStatus(
        RolloutState state,
        Phase phase,
        int epoch,
        long lastSequence,
        List<Member> members,
        String reason) {

    public enum Phase {
        /** Members canary one by one in dependency order. */
        CANARY,
        /** Every member passed its gates; the cutover waits for promote. */
        AWAITING_PROMOTION,
        /** Members move to 100 % new, one at a time, dependencies first. */
        CUTOVER,
        /** Everything serves the new versions; one abort returns every member to stable. */
        ROLLBACK_WINDOW,
        /** The new versions become stable. */
        FINISHING
    }

    /** Where one member stands in the train. */
    public enum MemberState {
        WAITING,
        CANARY,
        READY,
        CUTTING_OVER,
        CUT_OVER,
        FINISHING,
        SUCCEEDED,
        ABORTING,
        ABORTED,
        FAILED;

        public boolean isFinal() {
            return this == SUCCEEDED || this == ABORTED || this == FAILED;
        }

        /** Started and not ended: its rollout moves traffic, or may. */
        public boolean isActive() {
            return this != WAITING && !isFinal();
        }
    }

    /**
     * One member's standing: {@code started} once its rollout exists, {@code canaryPercent} as its
     * rollout last told the train.
     */
    public record Member(
            String service,
            MemberState state,
            boolean started,
            double canaryPercent,
            String reason) {

        Member to(MemberState newState, String newReason) {
            return new Member(service, newState, started, canaryPercent, newReason);
        }

        Member at(double percent) {
            return new Member(service, state, started, percent, reason);
        }

        Member begun() {
            return new Member(service, MemberState.CANARY, true, canaryPercent, null);
        }
    }

    public TrainStatus {
        members = List.copyOf(members);
    }

    public static TrainStatus initial(TrainPlan plan) {
        return new TrainStatus(
                RolloutState.PENDING,
                Phase.CANARY,
                0,
                0,
                plan.members().stream()
                        .map(m -> new Member(m.service(), MemberState.WAITING, false, 0, null))
                        .toList(),
                null);
    }

    public Member member(String service) {
        return members.stream()
                .filter(m -> m.service().equals(service))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no member " + service));
    }

    public boolean all(Predicate<Member> test) {
        return members.stream().allMatch(test);
    }

    public boolean any(Predicate<Member> test) {
        return members.stream().anyMatch(test);
    }

    TrainStatus with(Member member) {
        List<Member> updated = new ArrayList<>(members);
        updated.replaceAll(m -> m.service().equals(member.service()) ? member : m);
        return new TrainStatus(state, phase, epoch, lastSequence, updated, reason);
    }

    TrainStatus withState(RolloutState newState, String newReason) {
        return new TrainStatus(newState, phase, epoch, lastSequence, members, newReason);
    }

    TrainStatus inPhase(Phase newPhase) {
        return new TrainStatus(state, newPhase, epoch, lastSequence, members, reason);
    }

    TrainStatus nextEpoch() {
        return new TrainStatus(state, phase, epoch + 1, lastSequence, members, reason);
    }

    TrainStatus withSequence(long sequence) {
        return new TrainStatus(state, phase, epoch, sequence, members, reason);
    }
}
