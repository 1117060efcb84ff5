package dev.glide.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * Follows a release train by polling it, printing its state and each member's line when they
 * change, until it ends.
 */
final class TrainWatcher {

    private static final Set<String> ENDED = Set.of("SUCCEEDED", "ABORTED", "FAILED");
    private static final Duration POLL = Duration.ofMillis(500);

    private final PlannerClient client;
    private final PrintWriter out;

    TrainWatcher(PlannerClient client, PrintWriter out) {
        this.client = client;
        this.out = out;
    }

    /** 0 when the train SUCCEEDED, 1 when it was ABORTED or FAILED. */
    int watch(String train, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> shown = new HashMap<>();
        while (true) {
            JsonNode status = client.get("api/trains/" + train);
            show(
                    shown,
                    "train",
                    status.path("state").asText() + " (" + status.path("phase").asText() + ")");
            for (JsonNode member : status.path("members")) {
                show(shown, member.path("service").asText(), line(member));
            }
            out.flush();
            String state = status.path("state").asText();
            if (ENDED.contains(state)) {
                out.printf(
                        "train %s %s%s%n",
                        train,
                        state,
                        status.path("reason").isTextual()
                                ? ": " + status.path("reason").asText()
                                : "");
                out.flush();
                return "SUCCEEDED".equals(state) ? 0 : GlideCli.ENDED_BADLY;
            }
            if (System.nanoTime() > deadline) {
                throw new CliException(
                        CliException.TIMED_OUT,
                        "gave up watching after " + timeout.toSeconds() + " s");
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(CliException.UNREACHABLE, "interrupted");
            }
        }
    }

    private void show(Map<String, String> shown, String key, String line) {
        if (!line.equals(shown.put(key, line))) {
            out.printf("%-16s %s%n", key, line);
        }
    }

    /** A member as one line: its standing in the train, its rollout's state and canary share. */
    static String line(JsonNode member) {
        double canary = member.path("canaryPercent").asDouble();
        return String.format(
                "%-12s %s %6.2f %%  %s%s",
                member.path("standing").asText(),
                Watcher.bar(canary),
                canary,
                member.path("rolloutState").asText("not started"),
                member.path("dependsOn").isEmpty()
                        ? ""
                        : "  (after "
                                + String.join(
                                        ", ",
                                        StreamSupport.stream(
                                                        member.path("dependsOn").spliterator(),
                                                        false)
                                                .map(JsonNode::asText)
                                                .toList())
                                + ")");
    }
}
