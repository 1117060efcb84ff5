package dev.glide.analysis.gate;

import dev.glide.analysis.judge.Finding;
import dev.glide.analysis.judge.Finding.Status;
import dev.glide.analysis.metrics.MetricsConsumer;
import dev.glide.contract.Gate;
import dev.glide.contract.GateTest;
import dev.glide.contract.Role;
import dev.glide.contract.TrafficMetrics;
import dev.glide.contract.concurrent.DaemonThreads;
import dev.glide.contract.metrics.TrafficRecorder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A load test: {@code rate} requests a second beside the whole analysis (or for its {@code
 * duration}), so a quiet service's canary has traffic to be judged on. Its answers are the canary's
 * traffic: through a gateway the gateway counts them; sent straight to the canary's endpoints they
 * are counted here, in one-second windows stored as a gateway's are (a request without an answer as
 * a 502, as a gateway would answer it). The gate itself passes with its tally as evidence: the
 * analysis judges the answers, with the users' ones.
 */
@ApplicationScoped
public class LoadTest implements GateCheck {

    /** Requests in flight at once; above it the test waits rather than pile up. */
    private static final int IN_FLIGHT = 256;

    private final HttpClient http = GateOutcome.client();
    private final Consumer<TrafficMetrics> windows;

    /** Stores the windows, so a test's sending never waits on the database or on a judgement. */
    private final ExecutorService storing =
            Executors.newSingleThreadExecutor(DaemonThreads.named("load-test-windows-"));

    @Inject
    LoadTest(MetricsConsumer windows) {
        this(windows::storeWindow);
    }

    /** A load test that hands the windows it counted to {@code windows}. */
    LoadTest(Consumer<TrafficMetrics> windows) {
        this.windows = windows;
    }

    @Override
    public String type() {
        return GateTest.LOAD;
    }

    @Override
    public Finding run(GateRun run, Lease lease) throws InterruptedException {
        Gate gate = run.gate;
        TestRequests requests = new TestRequests(http, gate, run.targets);
        TestRequests.Tally tally = new TestRequests.Tally();
        if (!requests.hasTargets()) {
            return tally.finding(gate, Status.FAIL, "the canary has no endpoints to send to");
        }
        Duration longest = gate.test().durationOrNull();
        Instant end =
                longest == null || Instant.now().plus(longest).isAfter(run.runsUntil)
                        ? run.runsUntil
                        : Instant.now().plus(longest);
        TrafficRecorder recorder = requests.throughGateway() ? null : new TrafficRecorder();
        String source = TrafficRecorder.sourceOf("load-test:" + gate.name());
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        long spacing = TestRequests.spacing(gate.test().rate()).toNanos();
        long nextSend = System.nanoTime();
        Instant nextClose = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        long sent = 0;
        while (Instant.now().isBefore(end)) {
            long wait = nextSend - System.nanoTime();
            long untilClose = Duration.between(Instant.now(), nextClose).toNanos();
            if (untilClose <= 0) {
                store(recorder, nextClose, source);
                nextClose = nextClose.plusSeconds(1);
                lease.report(tally.finding(gate, Status.PASS, "running"));
                if (!lease.held()) {
                    return null;
                }
                continue;
            }
            if (wait > 0) {
                long nap = Math.min(wait, untilClose);
                Thread.sleep(nap / 1_000_000, (int) (nap % 1_000_000));
                continue;
            }
            nextSend += spacing;
            if (!inFlight.tryAcquire(gate.timeoutDuration().toMillis(), TimeUnit.MILLISECONDS)) {
                continue;
            }
            requests.send(sent++)
                    .thenAccept(
                            answer -> {
                                tally.add(answer);
                                if (recorder != null) {
                                    recorder.record(
                                            run.rolloutId,
                                            run.service,
                                            run.stableVersion,
                                            run.canaryVersion,
                                            Role.CANARY,
                                            answer.status() == 0 ? 502 : answer.status(),
                                            answer.nanos());
                                }
                            })
                    .whenComplete((done, error) -> inFlight.release());
        }
        inFlight.tryAcquire(IN_FLIGHT, gate.timeoutDuration().toMillis(), TimeUnit.MILLISECONDS);
        store(recorder, Instant.now(), source);
        return tally.finding(
                gate,
                Status.PASS,
                "sent beside the analysis, its answers judged as the canary's traffic");
    }

    private void store(TrafficRecorder recorder, Instant end, String source) {
        if (recorder != null) {
            for (TrafficMetrics window : recorder.close(end, source)) {
                storing.execute(() -> windows.accept(window));
            }
        }
    }
}
