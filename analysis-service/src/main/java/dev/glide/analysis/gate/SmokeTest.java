package dev.glide.analysis.gate;

import dev.glide.analysis.judge.Finding;
import dev.glide.analysis.judge.Finding.Status;
import dev.glide.contract.Gate;
import dev.glide.contract.GateTest;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.http.HttpClient;
import java.util.concurrent.ExecutionException;

/**
 * A smoke test: its {@code requests}, one after another at most {@code rate} a second, to the
 * canary's endpoints or through the gateway with the route's canary match rules; the gate fails on
 * any answer that is not the expected one (another status, no answer within the gate's timeout, a
 * body without the expected text) and names the first ones.
 */
@ApplicationScoped
public class SmokeTest implements GateCheck {

    private final HttpClient http = GateOutcome.client();

    @Override
    public String type() {
        return GateTest.SMOKE;
    }

    @Override
    public Finding run(GateRun run, Lease lease) throws InterruptedException {
        Gate gate = run.gate;
        TestRequests requests = new TestRequests(http, gate, run.targets);
        TestRequests.Tally tally = new TestRequests.Tally();
        Status failed = GateOutcome.failed(gate);
        if (!requests.hasTargets()) {
            return tally.finding(gate, failed, "the canary has no endpoints to send to");
        }
        long spacing = TestRequests.spacing(gate.test().rate()).toNanos();
        long next = System.nanoTime();
        for (long i = 0; i < gate.test().requests(); i++) {
            if (!lease.held()) {
                return null;
            }
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            next += spacing;
            try {
                tally.add(requests.send(i).get());
            } catch (ExecutionException e) {
                tally.add(new TestRequests.Answer(0, 0, "no answer (" + e.getCause() + ")"));
            }
        }
        return tally.failed() == 0
                ? tally.finding(gate, Status.PASS, "passed")
                : tally.finding(gate, failed, "failed");
    }
}
