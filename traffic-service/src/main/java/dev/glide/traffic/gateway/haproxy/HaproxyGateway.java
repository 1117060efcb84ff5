package dev.glide.traffic.gateway.haproxy;

import dev.glide.contract.GatewayBinding;
import dev.glide.contract.MatchRule;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Weights;
import dev.glide.traffic.gateway.GatewayAdapter;
import dev.glide.traffic.gateway.GatewayConfig;
import dev.glide.traffic.gateway.GatewayException;
import dev.glide.traffic.gateway.ServedTraffic;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * HAProxy through its Runtime API: the binding's route is the backend, its targets the stable and
 * canary servers. Both weights are chosen together ({@link HaproxyWeights}) and set in one batch,
 * the side that is to serve the larger share first (make before break): that weight is never 0, so
 * whatever the weights were, some server takes traffic at every moment of the change. Read-back
 * asks for the servers' state, which also shows a server someone put in maintenance by hand; the
 * servers it names are remembered, and a step to a backend not read yet, or whose last read lacked
 * one of its servers, reads it first, so a batch never names a server the backend does not have
 * (setting one side's weight while the other's fails).
 *
 * <p>Header and cookie rules are entries of the backend's map (the map HAProxy loaded from a file
 * named {@code glide-<backend>.map}, in any folder; {@link HaproxyRules}), which the backend's
 * configuration looks each request up in; the Runtime API replaces the whole map atomically ({@code
 * prepare map}, {@code add map @version}, {@code commit map}), before the weights move, and reads
 * it back with {@code show map}. A backend whose configuration has no such map serves weights only:
 * a step with match rules is refused with the lines to add. Sticky users need the backend to hash
 * their key ({@code balance hash req.hdr(<key>)} with {@code hash-type consistent}): a user then
 * keeps one server while the weights hold and only moves to the canary as it grows.
 */
@ApplicationScoped
public class HaproxyGateway implements GatewayAdapter {

    public static final String TYPE = "haproxy";
    private static final Logger LOG = Logger.getLogger(HaproxyGateway.class);

    private final GatewayConfig.Haproxy config;
    private final RuntimeApi api;
    private final Map<String, RolloutStep> routes = new ConcurrentHashMap<>();
    private final Map<String, KnownMap> maps = new ConcurrentHashMap<>();

    /** The servers each backend ("address backend") had when its state was last read. */
    private final Map<String, Set<String>> servers = new ConcurrentHashMap<>();

    /** How long a backend's map (or that it has none) is remembered between asking HAProxy. */
    static final Duration MAP_KNOWN_FOR = Duration.ofSeconds(30);

    private static final Pattern NEW_VERSION = Pattern.compile("New version created: (\\d+)");
    private static final Pattern LOADED_MAP = Pattern.compile("^-?\\d+ \\(([^)]+)\\)");

    HaproxyGateway(GatewayConfig config) {
        this.config = config.haproxy();
        this.api = new RuntimeApi(this.config.timeout());
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public double weightTolerance() {
        return 0.5;
    }

    @Override
    public void apply(RolloutStep step) throws GatewayException {
        GatewayBinding binding = step.gateway();
        if (step.mirror() != null) {
            throw new GatewayException(
                    GatewayBinding.Adapter.HAPROXY.refusesMirror().orElseThrow(), false);
        }
        for (MatchRule rule : step.matchRules()) {
            Optional<String> problem = HaproxyRules.problem(rule);
            if (problem.isPresent()) {
                throw new GatewayException(problem.get(), false);
            }
        }
        String address = address(binding);
        String backend = binding.route();
        String key = backendKey(address, backend);
        writeRules(address, backend, step.matchRules());
        String stable = target(binding.stableTarget(), "stableTarget");
        String canary = target(binding.canaryTarget(), "canaryTarget");
        Set<String> known = servers.get(key);
        if (known == null || !known.contains(stable) || !known.contains(canary)) {
            // throws, naming the servers the backend has, when it lacks one of the two
            ServerStates before = states(address, backend);
            before.weight(backend, canary);
            before.weight(backend, stable);
        }
        int[] wanted = HaproxyWeights.split(step.weights());
        String setStable = "set server " + backend + "/" + stable + " weight " + wanted[0];
        String setCanary = "set server " + backend + "/" + canary + " weight " + wanted[1];
        List<String> commands =
                HaproxyWeights.canaryFirst(wanted)
                        ? List.of(setCanary, setStable)
                        : List.of(setStable, setCanary);
        String answer = api.execute(address, commands).trim();
        if (!answer.isEmpty()) {
            servers.remove(key);
            throw new GatewayException(
                    "HAProxy refused '" + String.join("; ", commands) + "': " + answer, false);
        }
        routes.put(key, step);
        LOG.debugf(
                "[rollout %s] haproxy %s: %s",
                step.rolloutId(), address, String.join("; ", commands));
    }

    @Override
    public ServedTraffic read(GatewayBinding binding) throws GatewayException {
        String address = address(binding);
        String backend = binding.route();
        String stable = target(binding.stableTarget(), "stableTarget");
        String canary = target(binding.canaryTarget(), "canaryTarget");
        ServerStates states = states(address, backend);
        Weights served =
                HaproxyWeights.served(
                        states.weight(backend, stable), states.weight(backend, canary));
        if (served == null) {
            throw new GatewayException(
                    "HAProxy backend '"
                            + backend
                            + "' serves neither version: "
                            + stable
                            + " ("
                            + describe(states, stable)
                            + "), "
                            + canary
                            + " ("
                            + describe(states, canary)
                            + ")",
                    false);
        }
        return new ServedTraffic(served, readRules(address, backend));
    }

    /**
     * The backend's map as HAProxy loaded it: the file named {@code glide-<backend>.map}, wherever
     * the configuration keeps it; empty when the configuration has none. Remembered for {@link
     * #MAP_KNOWN_FOR} per backend ({@code show map} lists every map: with hundreds of backends on
     * one HAProxy, asking it for every step and read-back cost more than the step), and asked again
     * when {@code fresh}, or when a remembered map is refused.
     */
    private Optional<String> map(String address, String backend, boolean fresh)
            throws GatewayException {
        String key = backendKey(address, backend);
        KnownMap known = maps.get(key);
        if (!fresh && known != null && known.at() + MAP_KNOWN_FOR.toNanos() > System.nanoTime()) {
            return known.file();
        }
        String file = "glide-" + backend + ".map";
        Optional<String> found = Optional.empty();
        for (String line : api.execute(address, List.of("show map")).split("\n")) {
            Matcher loaded = LOADED_MAP.matcher(line);
            if (loaded.find()
                    && (loaded.group(1).equals(file) || loaded.group(1).endsWith("/" + file))) {
                found = Optional.of(loaded.group(1));
                break;
            }
        }
        maps.put(key, new KnownMap(found, System.nanoTime()));
        return found;
    }

    /** A backend's map as last asked, and when (nanoTime). */
    private record KnownMap(Optional<String> file, long at) {}

    /**
     * Replaces the backend's rules in one atomic commit. A backend without Glide's map takes a step
     * without rules as it is; one with rules is refused, naming what its configuration lacks.
     */
    private void writeRules(String address, String backend, List<MatchRule> rules)
            throws GatewayException {
        Optional<String> found = map(address, backend, false);
        if (found.isEmpty() && !rules.isEmpty()) {
            found = map(address, backend, true);
        }
        if (found.isEmpty()) {
            if (rules.isEmpty()) {
                return;
            }
            throw new GatewayException(noMap(backend), false);
        }
        String map = found.get();
        String prepared = api.execute(address, List.of("prepare map " + map)).trim();
        Matcher version = NEW_VERSION.matcher(prepared);
        if (!version.find()) {
            maps.remove(backendKey(address, backend));
            throw new GatewayException(
                    "HAProxy would not prepare a new version of " + map + ": " + prepared, false);
        }
        String at = "@" + version.group(1) + " " + map;
        if (!rules.isEmpty()) {
            String added =
                    api.executeWithPayload(address, "add map " + at, HaproxyRules.payload(rules))
                            .trim();
            if (!added.isEmpty()) {
                throw new GatewayException(
                        "HAProxy refused the match rules for backend '" + backend + "': " + added,
                        false);
            }
        }
        String committed = api.execute(address, List.of("commit map " + at)).trim();
        if (!committed.isEmpty()) {
            throw new GatewayException(
                    "HAProxy did not commit the match rules of backend '"
                            + backend
                            + "': "
                            + committed,
                    false);
        }
    }

    private List<MatchRule> readRules(String address, String backend) throws GatewayException {
        Optional<String> found = map(address, backend, false);
        if (found.isEmpty()) {
            return List.of();
        }
        String map = found.get();
        String answer = api.execute(address, List.of("show map " + map));
        try {
            return HaproxyRules.parse(answer);
        } catch (IllegalArgumentException e) {
            maps.remove(backendKey(address, backend));
            throw new GatewayException(
                    "HAProxy map " + map + " holds what Glide did not write: " + e.getMessage(),
                    false);
        }
    }

    private static String noMap(String backend) {
        return "HAProxy backend '"
                + backend
                + "' cannot route by header or cookie: its configuration loads no map glide-"
                + backend
                + ".map; it needs http-request set-var(txn.glide_side) req.hdrs,map_reg(/etc/haproxy/glide-"
                + backend
                + ".map) and use-server <canary server> if { var(txn.glide_side) -m str canary },"
                + " use-server <stable server> if { var(txn.glide_side) -m str stable } (see README, Gateways)";
    }

    /**
     * The newest step applied to each backend this adapter moved: what its metrics collector
     * watches.
     */
    Collection<RolloutStep> appliedSteps() {
        return new ArrayList<>(routes.values());
    }

    RuntimeApi api() {
        return api;
    }

    String address(GatewayBinding binding) throws GatewayException {
        if (binding.address() != null && !binding.address().isBlank()) {
            return binding.address();
        }
        return config.runtimeApi()
                .orElseThrow(
                        () ->
                                new GatewayException(
                                        "the binding of route '"
                                                + binding.route()
                                                + "' names no HAProxy Runtime API address and glide.gateway.haproxy.runtime-api is not set",
                                        false));
    }

    /** The key of a backend of one HAProxy in this adapter's memories. */
    private static String backendKey(String address, String backend) {
        return address + " " + backend;
    }

    /** The backend's servers as HAProxy serves them now; their names are remembered. */
    private ServerStates states(String address, String backend) throws GatewayException {
        ServerStates states;
        try {
            states =
                    ServerStates.parse(
                            backend,
                            api.execute(address, List.of("show servers state " + backend)));
        } catch (GatewayException e) {
            servers.remove(backendKey(address, backend));
            throw e;
        }
        servers.put(backendKey(address, backend), states.servers());
        return states;
    }

    private static String describe(ServerStates states, String server) {
        String note = states.note(server);
        return note == null ? "weight 0" : note;
    }

    private static String target(String server, String field) throws GatewayException {
        if (server == null || server.isBlank()) {
            throw new GatewayException(
                    "the haproxy binding needs " + field + " (the server's name in the backend)",
                    false);
        }
        return server;
    }
}
