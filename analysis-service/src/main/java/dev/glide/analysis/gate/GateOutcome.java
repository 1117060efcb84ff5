package dev.glide.analysis.gate;

import dev.glide.analysis.judge.Finding;
import dev.glide.analysis.judge.Finding.Status;
import dev.glide.contract.AnalysisVerdict.Check;
import dev.glide.contract.Gate;
import java.net.http.HttpClient;
import java.time.Duration;

/** One gate's outcome in a window: its check, and what a failure asks for. */
public record GateOutcome(Gate gate, Finding finding) {

    public boolean passed() {
        return finding.status() == Status.PASS;
    }

    /** The client every gate kind sends with: HTTP/1.1, a connection within 5 s. */
    static HttpClient client() {
        return HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** What a failed gate makes of its window: FAIL, or INCONCLUSIVE for a gate that pauses. */
    static Status failed(Gate gate) {
        return gate.pausesOnFailure() ? Status.INCONCLUSIVE : Status.FAIL;
    }

    /**
     * A gate's check in a verdict, {@code gate <name>}, as the dashboard, Slack and the CLI find
     * it.
     */
    static Finding finding(
            String gateName,
            String test,
            Double canary,
            Double statistic,
            boolean passed,
            String detail,
            Status status) {
        return new Finding(
                new Check(
                        "gate " + gateName,
                        test,
                        null,
                        canary,
                        statistic,
                        null,
                        null,
                        passed,
                        detail),
                status);
    }
}
