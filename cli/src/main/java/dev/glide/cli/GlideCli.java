package dev.glide.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code glide}: release, watch and steer rollouts against the planner's API. The planner and the
 * team's token come from {@code --planner}/{@code --token}, else {@code GLIDE_PLANNER}/{@code
 * GLIDE_TOKEN}, else the config file ({@code ~/.config/glide/cli.properties} or {@code
 * GLIDE_CONFIG}: {@code planner=...}, {@code token=...}).
 */
@Command(
        name = "glide",
        mixinStandardHelpOptions = true,
        version = "glide 0.1.0",
        description =
                "Release, watch and steer Glide rollouts and release trains (promote, abort, pause, resume, status and history take a train's id too).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done (with --wait or watch: the rollout or train SUCCEEDED)",
            "1:the rollout or train ended ABORTED or FAILED (--wait, watch)",
            "2:bad usage",
            "3:the planner refused (bad input, unknown rollout, not allowed, not in this state)",
            "4:the planner is unreachable or failed",
            "5:timed out waiting for the rollout to end"
        },
        subcommands = {CommandLine.HelpCommand.class})
public final class GlideCli {

    static final int ENDED_BADLY = 1;

    @Option(
            names = "--planner",
            description =
                    "The planner's URL (default: GLIDE_PLANNER, the config file, or http://localhost:8081).")
    String planner;

    @Option(
            names = "--token",
            description = "Your team's API token (default: GLIDE_TOKEN or the config file).")
    String token;

    @Option(
            names = "--config",
            description =
                    "The config file (default: GLIDE_CONFIG or ~/.config/glide/cli.properties).")
    Path config;

    @Spec CommandSpec spec;

    private final Map<String, String> variables;

    GlideCli(Map<String, String> variables) {
        this.variables = variables;
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.getenv()).execute(args));
    }

    /** The command line with its exit codes: a CLI exception's own, 2 for bad usage. */
    static CommandLine commandLine(Map<String, String> environment) {
        CommandLine line = new CommandLine(new GlideCli(environment));
        line.setExecutionExceptionHandler(
                (e, command, parsed) -> {
                    if (e instanceof CliException cli) {
                        command.getErr().println("glide: " + cli.getMessage());
                        return cli.exitCode();
                    }
                    throw e;
                });
        return line;
    }

    PlannerClient client() {
        Properties file = new Properties();
        Path path =
                config != null
                        ? config
                        : variables.containsKey("GLIDE_CONFIG")
                                ? Path.of(variables.get("GLIDE_CONFIG"))
                                : Path.of(
                                        System.getProperty("user.home"),
                                        ".config",
                                        "glide",
                                        "cli.properties");
        if (Files.isReadable(path)) {
            try (Reader reader = Files.newBufferedReader(path)) {
                file.load(reader);
            } catch (IOException e) {
                throw new CliException(
                        CommandLine.ExitCode.USAGE,
                        "cannot read the config file " + path + ": " + e.getMessage());
            }
        } else if (config != null) {
            throw new CliException(CommandLine.ExitCode.USAGE, "no config file at " + path);
        }
        String url =
                first(
                        planner,
                        variables.get("GLIDE_PLANNER"),
                        file.getProperty("planner"),
                        "http://localhost:8081");
        URI base;
        try {
            base = URI.create(url.endsWith("/") ? url : url + "/");
            if (base.getScheme() == null || base.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
        } catch (IllegalArgumentException e) {
            throw new CliException(
                    CommandLine.ExitCode.USAGE,
                    "the planner URL '" + url + "' is not a URL like http://planner:8081");
        }
        return new PlannerClient(
                base, first(token, variables.get("GLIDE_TOKEN"), file.getProperty("token"), null));
    }

    private static String first(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    @Command(
            name = "release",
            description =
                    "Release a version of a registered service; with --wait, watch it until it ends.")
    int release(
            @Parameters(paramLabel = "SERVICE") String service,
            @Parameters(paramLabel = "VERSION") String version,
            @Option(
                            names = {"-e", "--endpoint"},
                            paramLabel = "URL",
                            description = "An endpoint of the new version (repeat for more).")
                    List<String> endpoints,
            @Option(
                            names = "--environment",
                            description =
                                    "The environment (default: the one the service is registered with).")
                    String environment,
            @Option(
                            names = "--strategy",
                            description =
                                    "Override the service's strategy: canary, blueGreen, canaryThenBlueGreen, segmentFirst.")
                    String strategy,
            @Option(
                            names = "--wait",
                            description =
                                    "Watch the rollout until it ends; exit 1 if it is aborted or fails.")
                    boolean wait,
            @Option(
                            names = "--timeout",
                            defaultValue = "30m",
                            converter = Durations.class,
                            description =
                                    "How long --wait waits: 90s, 30m, 2h (default: ${DEFAULT-VALUE}).")
                    Duration timeout) {
        PlannerClient client = client();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service", service);
        body.put("version", version);
        body.put("endpoints", endpoints == null ? List.of() : endpoints);
        // a release names its environment; without --environment it is the service's own
        body.put(
                "environment",
                environment != null
                        ? environment
                        : client.get("api/services/" + encode(service))
                                .path("environment")
                                .asText("production"));
        if (strategy != null) {
            body.put("strategy", strategy);
        }
        JsonNode answer = client.post("api/releases", body);
        String rollout = answer.path("rolloutId").asText(answer.path("id").asText());
        out().printf("released %s %s: rollout %s%n", service, version, rollout);
        out().flush();
        return wait ? new Watcher(client, out()).watch(rollout, timeout) : 0;
    }

    @Command(
            name = "train",
            description =
                    "Release several services as one train, from a JSON file ('-': standard input) as "
                            + "POST /api/trains takes it; with --wait, follow it until it ends.")
    int train(
            @Parameters(paramLabel = "FILE") String file,
            @Option(
                            names = "--wait",
                            description =
                                    "Follow the train until it ends; exit 1 if it is aborted or fails.")
                    boolean wait,
            @Option(
                            names = "--timeout",
                            defaultValue = "60m",
                            converter = Durations.class,
                            description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
                    Duration timeout) {
        JsonNode body;
        try {
            String text =
                    file.equals("-")
                            ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                            : Files.readString(Path.of(file));
            body = new ObjectMapper().readTree(text);
        } catch (IOException e) {
            throw new CliException(
                    CommandLine.ExitCode.USAGE,
                    "cannot read the train from " + file + ": " + e.getMessage());
        }
        PlannerClient client = client();
        JsonNode answer = client.post("api/trains", body);
        String train = answer.path("trainId").asText();
        out().printf("released train %s: %s%n", body.path("name").asText(), train);
        answer.path("members")
                .fields()
                .forEachRemaining(
                        m ->
                                out().printf(
                                                "  %-16s rollout %s%n",
                                                m.getKey(), m.getValue().asText()));
        out().flush();
        return wait ? new TrainWatcher(client, out()).watch(train, timeout) : 0;
    }

    @Command(
            name = "status",
            description =
                    "One rollout's or train's state, or the newest rollouts (of a service, team or state).")
    int status(
            @Parameters(paramLabel = "ROLLOUT", arity = "0..1") String rollout,
            @Option(names = "--service") String service,
            @Option(names = "--team") String team,
            @Option(names = "--state") String state,
            @Option(names = "--limit", defaultValue = "20") int limit) {
        PlannerClient client = client();
        if (rollout != null && isTrain(rollout)) {
            JsonNode t = client.get("api/trains/" + rollout);
            out().printf(
                            "%s  train %s  %s (%s)%s%n",
                            t.path("id").asText(),
                            t.path("name").asText(),
                            t.path("state").asText(),
                            t.path("phase").asText(),
                            t.path("reason").isTextual()
                                    ? "  (" + t.path("reason").asText() + ")"
                                    : "");
            for (JsonNode member : t.path("members")) {
                out().printf(
                                "  %-16s %s%n",
                                member.path("service").asText(), TrainWatcher.line(member));
            }
            return 0;
        }
        if (rollout != null) {
            JsonNode r = client.get("api/rollouts/" + rollout);
            out().printf(
                            "%s  %s %s -> %s  %s  step %d/%d  canary %.2f %%%s%n",
                            r.path("id").asText(),
                            r.path("service").asText(),
                            r.path("stableVersion").asText(),
                            r.path("canaryVersion").asText(),
                            r.path("state").asText(),
                            r.path("step").asInt(),
                            r.path("stepCount").asInt(),
                            r.path("canaryWeight").asDouble(),
                            r.path("reason").isTextual()
                                    ? "  (" + r.path("reason").asText() + ")"
                                    : "");
            return 0;
        }
        List<String> query = new ArrayList<>();
        query.add("limit=" + limit);
        if (service != null) {
            query.add("service=" + encode(service));
        }
        if (team != null) {
            query.add("team=" + encode(team));
        }
        if (state != null) {
            query.add("state=" + encode(state));
        }
        JsonNode list = client.get("api/rollouts?" + String.join("&", query));
        if (list.isEmpty()) {
            out().println("no rollouts");
        }
        out().printf(
                        "%-36s  %-16s %-12s %-12s %6s  %s%n",
                        "ROLLOUT", "SERVICE", "STATE", "VERSION", "CANARY", "STEP");
        for (JsonNode r : list) {
            out().printf(
                            "%-36s  %-16s %-12s %-12s %5.1f%%  %d/%d%n",
                            r.path("id").asText(),
                            r.path("service").asText(),
                            r.path("state").asText(),
                            r.path("canaryVersion").asText(),
                            r.path("canaryWeight").asDouble(),
                            r.path("step").asInt(),
                            r.path("stepCount").asInt());
        }
        return 0;
    }

    @Command(
            name = "history",
            description = "Every input, step, transition and analysis of a rollout, in order.")
    int history(@Parameters(paramLabel = "ROLLOUT") String rollout) {
        for (JsonNode entry : client().get(resource(rollout) + "/history")) {
            out().println(Watcher.line(entry));
        }
        return 0;
    }

    @Command(
            name = "watch",
            description = "Follow a rollout live until it ends; exit 1 if it is aborted or fails.")
    int watch(
            @Parameters(paramLabel = "ROLLOUT") String rollout,
            @Option(
                            names = "--timeout",
                            defaultValue = "30m",
                            converter = Durations.class,
                            description =
                                    "How long to wait: 90s, 30m, 2h (default: ${DEFAULT-VALUE}).")
                    Duration timeout) {
        return new Watcher(client(), out()).watch(rollout, timeout);
    }

    @Command(
            name = "promote",
            description =
                    "Promote a rollout past its current step (a pause, an undecided analysis, the blue-green preview).")
    int promote(
            @Parameters(paramLabel = "ROLLOUT") String rollout,
            @Option(names = "--reason") String reason) {
        return steer(rollout, "promote", reason);
    }

    @Command(name = "abort", description = "Abort a rollout: all traffic back to stable.")
    int abort(
            @Parameters(paramLabel = "ROLLOUT") String rollout,
            @Option(names = "--reason") String reason) {
        return steer(rollout, "abort", reason);
    }

    @Command(name = "pause", description = "Pause a rollout where it is.")
    int pause(
            @Parameters(paramLabel = "ROLLOUT") String rollout,
            @Option(names = "--reason") String reason) {
        return steer(rollout, "pause", reason);
    }

    @Command(name = "resume", description = "Resume a paused rollout.")
    int resume(
            @Parameters(paramLabel = "ROLLOUT") String rollout,
            @Option(names = "--reason") String reason) {
        return steer(rollout, "resume", reason);
    }

    private int steer(String rollout, String action, String reason) {
        String query =
                "actor="
                        + encode("cli:" + System.getProperty("user.name", "someone"))
                        + (reason == null ? "" : "&reason=" + encode(reason));
        JsonNode answer = client().post(resource(rollout) + "/" + action + "?" + query, null);
        out().printf(
                        "%s: %s (now %s)%n",
                        action,
                        answer.path("message").asText("accepted"),
                        answer.path("state").asText("?"));
        return 0;
    }

    /** Release trains' ids start with "train-"; the steering verbs and history take either. */
    private static boolean isTrain(String id) {
        return id.startsWith("train-");
    }

    private static String resource(String id) {
        return (isTrain(id) ? "api/trains/" : "api/rollouts/") + id;
    }

    /** {@code 90s}, {@code 30m}, {@code 2h}, or ISO-8601 ({@code PT30M}). */
    /** Durations as strategies write them (90s, 30m, 2h, 500ms; or ISO-8601), refused by name. */
    static final class Durations implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return dev.glide.contract.Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration like 90s, 30m or 2h");
            }
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
