package dev.glide.planner.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.glide.contract.MalformedEventException;
import dev.glide.contract.RolloutCommand.Type;
import dev.glide.contract.RolloutState;
import dev.glide.contract.TrainRelease;
import dev.glide.planner.kernel.Decision;
import dev.glide.planner.strategy.PlannedStep.AwaitTrain.Gate;
import dev.glide.planner.train.TrainInput.CommandReceived;
import dev.glide.planner.train.TrainInput.MemberMoved;
import dev.glide.planner.train.TrainInput.Signal;
import dev.glide.planner.train.TrainInput.Start;
import dev.glide.planner.train.TrainInput.TimerFired;
import dev.glide.planner.train.TrainOutput.AbortMember;
import dev.glide.planner.train.TrainOutput.PauseMember;
import dev.glide.planner.train.TrainOutput.ProceedMember;
import dev.glide.planner.train.TrainOutput.ResumeMember;
import dev.glide.planner.train.TrainOutput.StartMember;
import dev.glide.planner.train.TrainOutput.StartTimer;
import dev.glide.planner.train.TrainOutput.Transition;
import dev.glide.planner.train.TrainStatus.MemberState;
import dev.glide.planner.train.TrainStatus.Phase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainMachineTest {

    /**
     * A backend, an api depending on it, and a web depending on the api; a mobile app depending on
     * the backend.
     */
    private static TrainRelease release(Boolean autoPromote, String... dependencies) {
        List<TrainRelease.Member> members = new ArrayList<>();
        for (String dependency : dependencies) {
            String[] parts = dependency.split("<-");
            members.add(
                    new TrainRelease.Member(
                            parts[0],
                            "v2",
                            List.of("http://new"),
                            null,
                            null,
                            parts.length == 1 ? List.of() : List.of(parts[1].split(","))));
        }
        return new TrainRelease(
                1,
                null,
                "checkout",
                "prod",
                members,
                new TrainRelease.Cutover(autoPromote, "30s"),
                null,
                null);
    }

    private final TrainMachine machine =
            new TrainMachine(
                    TrainPlan.of(
                            release(
                                    null,
                                    "web<-api",
                                    "api<-backend",
                                    "backend",
                                    "mobile<-backend")));
    private TrainStatus status = TrainStatus.initial(machine.plan());
    private final List<TrainInput> inputs = new ArrayList<>();
    private Decision<TrainStatus, TrainOutput> last;

    private Decision<TrainStatus, TrainOutput> give(TrainInput input) {
        last = machine.decide(status, input);
        if (!last.ignored()) {
            inputs.add(input);
        }
        status = last.status();
        return last;
    }

    private Decision<TrainStatus, TrainOutput> passed(String service) {
        return give(
                new MemberMoved(service, Signal.GATES_PASSED, RolloutState.PROGRESSING, 20, null));
    }

    private Decision<TrainStatus, TrainOutput> cutOver(String service) {
        return give(new MemberMoved(service, Signal.CUT_OVER, RolloutState.PROGRESSING, 100, null));
    }

    private Decision<TrainStatus, TrainOutput> ended(
            String service, RolloutState state, String reason) {
        return give(new MemberMoved(service, Signal.ENDED, state, 0, reason));
    }

    private List<String> started(Decision<TrainStatus, TrainOutput> decision) {
        return decision.outputs().stream()
                .filter(StartMember.class::isInstance)
                .map(o -> ((StartMember) o).service())
                .toList();
    }

    private List<String> proceeded(Decision<TrainStatus, TrainOutput> decision, Gate gate) {
        return decision.outputs().stream()
                .filter(o -> o instanceof ProceedMember p && p.gate() == gate)
                .map(o -> ((ProceedMember) o).service())
                .toList();
    }

    private List<String> aborted(Decision<TrainStatus, TrainOutput> decision) {
        return decision.outputs().stream()
                .filter(AbortMember.class::isInstance)
                .map(o -> ((AbortMember) o).service())
                .toList();
    }

    private MemberState standing(String service) {
        return status.member(service).state();
    }

    private void assertFoldEqualsStatus() {
        TrainStatus folded = TrainStatus.initial(machine.plan());
        for (TrainInput input : inputs) {
            folded = machine.decide(folded, input).status();
        }
        assertThat(folded).isEqualTo(status);
    }

    @Test
    void thePlanOrdersMembersDependenciesFirst() {
        assertThat(machine.plan().members())
                .extracting(TrainPlan.Member::service)
                .containsExactly("backend", "api", "mobile", "web");
    }

    @Test
    void membersStartOnlyWhenWhatTheyDependOnPassedItsGates() {
        assertThat(started(give(new Start()))).containsExactly("backend");
        assertThat(started(passed("backend"))).containsExactly("api", "mobile");
        assertThat(standing("web")).isEqualTo(MemberState.WAITING);
        assertThat(started(passed("mobile"))).isEmpty();
        assertThat(started(passed("api"))).containsExactly("web");
        assertThat(status.phase()).isEqualTo(Phase.CANARY);
        assertFoldEqualsStatus();
    }

    @Test
    void onceAllPassedMembersCutOverLevelByLevelDependenciesFirstThenTheRollbackWindowOpens() {
        give(new Start());
        passed("backend");
        passed("api");
        passed("mobile");
        assertThat(proceeded(passed("web"), Gate.CUTOVER)).containsExactly("backend");
        assertThat(status.phase()).isEqualTo(Phase.CUTOVER);
        // api and mobile (both on backend) move together; web waits for both to be read back
        assertThat(proceeded(cutOver("backend"), Gate.CUTOVER)).containsExactly("api", "mobile");
        assertThat(proceeded(cutOver("api"), Gate.CUTOVER)).isEmpty();
        assertThat(proceeded(cutOver("mobile"), Gate.CUTOVER)).containsExactly("web");
        Decision<TrainStatus, TrainOutput> window = cutOver("web");
        assertThat(status.phase()).isEqualTo(Phase.ROLLBACK_WINDOW);
        assertThat(window.outputs())
                .contains(new StartTimer(status.epoch(), Duration.ofSeconds(30)));

        assertThat(give(new TimerFired(status.epoch() - 1)).ignored()).isTrue();
        assertThat(proceeded(give(new TimerFired(status.epoch())), Gate.FINISH))
                .containsExactly("backend", "api", "mobile", "web");
        ended("backend", RolloutState.SUCCEEDED, null);
        ended("api", RolloutState.SUCCEEDED, null);
        ended("mobile", RolloutState.SUCCEEDED, null);
        assertThat(status.state()).isEqualTo(RolloutState.PROGRESSING);
        ended("web", RolloutState.SUCCEEDED, null);
        assertThat(status.state()).isEqualTo(RolloutState.SUCCEEDED);
        assertFoldEqualsStatus();
    }

    @Test
    void aFailedMemberAbortsTheOthersLastDependentsFirst() {
        give(new Start());
        passed("backend");
        passed("api");
        Decision<TrainStatus, TrainOutput> failure =
                ended("mobile", RolloutState.ABORTED, "analysis failed: errors");
        assertThat(status.state()).isEqualTo(RolloutState.ABORTING);
        assertThat(status.reason()).isEqualTo("mobile was aborted: analysis failed: errors");
        // web runs and depends on api: only web aborts now; api waits for it, backend for api
        assertThat(aborted(failure)).containsExactly("web");
        assertThat(aborted(ended("web", RolloutState.ABORTED, null))).containsExactly("api");
        assertThat(aborted(ended("api", RolloutState.ABORTED, null))).containsExactly("backend");
        ended("backend", RolloutState.ABORTED, null);
        assertThat(status.state()).isEqualTo(RolloutState.ABORTED);
        assertFoldEqualsStatus();
    }

    @Test
    void aWideTrainCutsOverEachLevelAtOnceAndAbortsEachLevelAtOnce() {
        List<String> members = new ArrayList<>(List.of("db"));
        for (int i = 0; i < 200; i++) {
            members.add("svc-" + i + "<-db");
        }
        TrainMachine wide =
                new TrainMachine(TrainPlan.of(release(null, members.toArray(String[]::new))));
        TrainStatus train = TrainStatus.initial(wide.plan());
        train = wide.decide(train, new Start()).status();
        train = wide.decide(train, moved("db", Signal.GATES_PASSED, 20)).status();
        Decision<TrainStatus, TrainOutput> last = null;
        for (int i = 0; i < 200; i++) {
            last = wide.decide(train, moved("svc-" + i, Signal.GATES_PASSED, 20));
            train = last.status();
        }
        assertThat(proceeded(last, Gate.CUTOVER)).containsExactly("db");
        last = wide.decide(train, moved("db", Signal.CUT_OVER, 100));
        assertThat(proceeded(last, Gate.CUTOVER)).hasSize(200);
        train = last.status();
        last = wide.decide(train, moved("svc-7", Signal.CUT_OVER, 100));
        train = last.status();
        last = wide.decide(train, new CommandReceived(Type.ABORT, "alice", "bad release"));
        // all 200 of the top level return to stable together; db waits for them
        assertThat(aborted(last)).hasSize(200).doesNotContain("db");
    }

    private static MemberMoved moved(String service, Signal signal, double percent) {
        return new MemberMoved(service, signal, RolloutState.PROGRESSING, percent, null);
    }

    @Test
    void membersThatNeverStartedEndAtOnceWhenTheTrainIsAborted() {
        give(new Start());
        Decision<TrainStatus, TrainOutput> abort =
                give(new CommandReceived(Type.ABORT, "alice", "wrong build"));
        assertThat(aborted(abort)).containsExactly("backend");
        assertThat(standing("web")).isEqualTo(MemberState.ABORTED);
        assertThat(status.member("web").reason()).startsWith("never started");
        ended("backend", RolloutState.ABORTED, null);
        assertThat(status.state()).isEqualTo(RolloutState.ABORTED);
        assertThat(status.reason()).isEqualTo("aborted by alice: wrong build");
        assertThat(give(new CommandReceived(Type.RESUME, "alice", null)).refusal())
                .contains("already ended");
    }

    @Test
    void aMemberThatCouldNotReturnToStableFailsTheTrain() {
        give(new Start());
        give(new CommandReceived(Type.ABORT, "alice", null));
        ended("backend", RolloutState.FAILED, "the gateway could not be set: down");
        assertThat(status.state()).isEqualTo(RolloutState.FAILED);
        assertThat(status.reason())
                .contains(
                        "could not return to stable: backend (the gateway could not be set: down)");
    }

    @Test
    void anAbortInTheRollbackWindowAbortsByLevelsTheHighestFirst() {
        give(new Start());
        List.of("backend", "api", "mobile", "web").forEach(this::passed);
        List.of("backend", "api", "mobile", "web").forEach(this::cutOver);
        assertThat(aborted(give(new CommandReceived(Type.ABORT, "alice", null))))
                .containsExactly("web");
        // level 1 together once level 2 is back on stable, then level 0
        assertThat(aborted(ended("web", RolloutState.ABORTED, null)))
                .containsExactlyInAnyOrder("api", "mobile");
        assertThat(aborted(ended("mobile", RolloutState.ABORTED, null))).isEmpty();
        assertThat(aborted(ended("api", RolloutState.ABORTED, null))).containsExactly("backend");
        ended("backend", RolloutState.ABORTED, null);
        assertThat(status.state()).isEqualTo(RolloutState.ABORTED);
        assertFoldEqualsStatus();
    }

    @Test
    void pauseHoldsMembersInTheirCanaryAndStartsNothingUntilResumed() {
        give(new Start());
        passed("backend");
        Decision<TrainStatus, TrainOutput> pause =
                give(new CommandReceived(Type.PAUSE, "alice", null));
        assertThat(pause.outputs()).filteredOn(PauseMember.class::isInstance).hasSize(2);
        assertThat(started(passed("api"))).isEmpty();
        assertThat(standing("web")).isEqualTo(MemberState.WAITING);
        Decision<TrainStatus, TrainOutput> resume =
                give(new CommandReceived(Type.RESUME, "alice", null));
        assertThat(resume.outputs()).filteredOn(ResumeMember.class::isInstance).hasSize(1);
        assertThat(started(resume)).containsExactly("web");
        assertThat(give(new CommandReceived(Type.RESUME, "alice", null)).refusal())
                .isEqualTo("the train is not paused");
        assertFoldEqualsStatus();
    }

    @Test
    void withoutAutoPromoteTheCutoverWaitsForPromoteAndPromoteIsRefusedBeforeAllPassed() {
        TrainMachine manual =
                new TrainMachine(TrainPlan.of(release(false, "backend", "web<-backend")));
        status = TrainStatus.initial(manual.plan());
        status = manual.decide(status, new Start()).status();
        Decision<TrainStatus, TrainOutput> early =
                manual.decide(status, new CommandReceived(Type.PROMOTE, "alice", null));
        assertThat(early.refusal())
                .isEqualTo(
                        "members have not passed their gates yet: backend (CANARY), web (WAITING);"
                                + " the train cuts over once every member has");
        status =
                manual.decide(
                                status,
                                new MemberMoved(
                                        "backend",
                                        Signal.GATES_PASSED,
                                        RolloutState.PROGRESSING,
                                        20,
                                        null))
                        .status();
        status =
                manual.decide(
                                status,
                                new MemberMoved(
                                        "web",
                                        Signal.GATES_PASSED,
                                        RolloutState.PROGRESSING,
                                        20,
                                        null))
                        .status();
        assertThat(status.phase()).isEqualTo(Phase.AWAITING_PROMOTION);
        Decision<TrainStatus, TrainOutput> promote =
                manual.decide(status, new CommandReceived(Type.PROMOTE, "alice", null));
        assertThat(promote.status().phase()).isEqualTo(Phase.CUTOVER);
        assertThat(promote.outputs())
                .contains(new ProceedMember(status.lastSequence() + 2, "backend", Gate.CUTOVER));
    }

    @Test
    void aMemberBackAtItsGateAfterAPauseIsLetThroughAgain() {
        give(new Start());
        List.of("backend", "api", "mobile").forEach(this::passed);
        passed("web");
        assertThat(standing("backend")).isEqualTo(MemberState.CUTTING_OVER);
        assertThat(proceeded(passed("backend"), Gate.CUTOVER)).containsExactly("backend");
        assertThat(standing("backend")).isEqualTo(MemberState.CUTTING_OVER);
    }

    @Test
    void everyAcceptedInputEndsInOneTransitionAndRepeatedNewsIsIgnored() {
        give(new Start());
        Decision<TrainStatus, TrainOutput> decision = passed("backend");
        assertThat(decision.outputs()).filteredOn(Transition.class::isInstance).hasSize(1);
        assertThat(decision.outputs().get(decision.outputs().size() - 1))
                .isInstanceOf(Transition.class);
        assertThat(passed("backend").ignored()).isTrue();
        assertThat(
                        give(new MemberMoved(
                                        "nobody",
                                        Signal.GATES_PASSED,
                                        RolloutState.PROGRESSING,
                                        5,
                                        null))
                                .ignored())
                .isTrue();
    }

    @Test
    void cyclesUnknownDependenciesAndTwiceListedServicesAreRefused() {
        assertThatThrownBy(() -> TrainPlan.of(release(null, "a<-b", "b<-a")))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("the dependencies of a, b form a cycle");
        assertThatThrownBy(() -> TrainPlan.of(release(null, "a<-ghost", "a")))
                .hasMessageContaining("members[0].dependsOn: 'ghost' is not a member")
                .hasMessageContaining("members[1].service: 'a' is in the train twice");
    }
}
