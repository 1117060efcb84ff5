package dev.glide.traffic.gateway.embedded;

import dev.glide.contract.Arm;
import dev.glide.contract.Backend;
import dev.glide.contract.MatchRule;
import dev.glide.contract.Mirror;
import dev.glide.contract.Role;
import dev.glide.contract.RolloutStep;
import dev.glide.traffic.gateway.GatewayException;
import dev.glide.traffic.gateway.Upstream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * One route of the embedded gateway as a step left it: immutable, so a new step replaces it in one
 * atomic write and a request sees either the old split or the new one, never half of each.
 */
final class EmbeddedRoute {

    /**
     * Sticky users are spread over this many buckets; a bucket below the canary share goes to the
     * canary.
     */
    private static final int BUCKETS = 10_000;

    /** The golden ratio's fraction: request n of an experiment falls at (n * this) mod 1. */
    private static final double GOLDEN = 0.6180339887498949;

    final RolloutStep step;

    /** Where requests go: a rollout's stable and canary, or an experiment's arms in order. */
    private final List<Side> sides;

    /** An experiment's arms' cumulative percents, the bound of each arm's buckets. */
    private final double[] upTo;

    private final AtomicLong dealt = new AtomicLong();
    private final AtomicLong copied = new AtomicLong();

    /** One version the route sends requests to, with its endpoints. */
    static final class Side {
        final Role role;
        final Backend backend;
        private final List<Upstream> upstreams;
        private final AtomicInteger turn = new AtomicInteger();

        private Side(Role role, Backend backend, List<Upstream> upstreams) {
            this.role = role;
            this.backend = backend;
            this.upstreams = upstreams;
        }

        String version() {
            return backend.version();
        }

        /** The next endpoint, round robin; null when the version has none. */
        Upstream next() {
            return upstreams.isEmpty()
                    ? null
                    : upstreams.get(Math.floorMod(turn.getAndIncrement(), upstreams.size()));
        }
    }

    private EmbeddedRoute(RolloutStep step, List<Side> sides, double[] upTo) {
        this.step = step;
        this.sides = sides;
        this.upTo = upTo;
    }

    /**
     * The route for a step, refused when a version that is to get traffic has nowhere to send it.
     */
    static EmbeddedRoute of(RolloutStep step) throws GatewayException {
        if (step.arms().isEmpty()) {
            return new EmbeddedRoute(
                    step,
                    List.of(
                            new Side(Role.STABLE, step.stable(), Upstream.of(step, Role.STABLE)),
                            new Side(Role.CANARY, step.canary(), Upstream.of(step, Role.CANARY))),
                    new double[0]);
        }
        List<Side> sides = new ArrayList<>();
        double[] upTo = new double[step.arms().size()];
        double sum = 0;
        for (int i = 0; i < step.arms().size(); i++) {
            Arm arm = step.arms().get(i);
            boolean serves = !arm.stopped() && (arm.percent() > 0 || !arm.match().isEmpty());
            if (serves && arm.backend().endpoints().isEmpty()) {
                throw new GatewayException(
                        "the experiment's arm "
                                + arm.version()
                                + " is to get traffic but names no endpoints",
                        false);
            }
            List<Upstream> upstreams = new ArrayList<>();
            for (String endpoint : arm.backend().endpoints()) {
                upstreams.add(Upstream.parse(endpoint));
            }
            sides.add(
                    new Side(
                            i == 0 ? Role.STABLE : Role.CANARY,
                            arm.backend(),
                            List.copyOf(upstreams)));
            sum += arm.percent();
            upTo[i] = sum;
        }
        return new EmbeddedRoute(step, List.copyOf(sides), upTo);
    }

    /** The side that serves a request (see {@link #place}). */
    Role choose(UnaryOperator<String> header, UnaryOperator<String> cookie) {
        return place(header, cookie).role;
    }

    /**
     * Which version serves a request: a match rule first (beta testers, a region), then a user's
     * sticky bucket, which keeps one version while the weights hold and only moves users stable ->
     * canary as the canary grows; otherwise the weights, dealt evenly rather than by dice: request
     * n of the route goes to the canary when {@code floor((n + 1) * share) > floor(n * share)}, so
     * every run of requests gets its share to within one request (5 % is one in twenty, exactly),
     * where random picks would stray by +-0.5 pp at 50 % over 10 000. An experiment places users
     * the same way among its arms (see {@link #placeInArm}).
     */
    Side place(UnaryOperator<String> header, UnaryOperator<String> cookie) {
        if (upTo.length > 0) {
            return placeInArm(header, cookie);
        }
        for (MatchRule rule : step.matchRules()) {
            if (matches(rule, header, cookie)) {
                return side(rule.target());
            }
        }
        double canaryShare = step.weights().canary();
        String user = user(header, cookie);
        if (user != null) {
            return side(bucket(user) < canaryShare * BUCKETS / 100 ? Role.CANARY : Role.STABLE);
        }
        long n = dealt.getAndIncrement();
        return side(
                Math.floor((n + 1) * canaryShare / 100) > Math.floor(n * canaryShare / 100)
                        ? Role.CANARY
                        : Role.STABLE);
    }

    /**
     * An experiment's arm for a request: the first arm whose rules it matches, else the user's
     * sticky bucket among the arms' percents in order (so a user keeps one arm for the experiment's
     * life), else dealt evenly: request n falls at {@code (n * golden ratio) mod 1} of the
     * percents, a sequence that fills every stretch of them evenly. A stopped arm's users are
     * served by the control, and no other arm's users move.
     */
    private Side placeInArm(UnaryOperator<String> header, UnaryOperator<String> cookie) {
        List<Arm> arms = step.arms();
        for (int i = 0; i < arms.size(); i++) {
            for (MatchRule rule : arms.get(i).match()) {
                if (matches(rule, header, cookie)) {
                    return served(i);
                }
            }
        }
        String user = user(header, cookie);
        double at =
                user != null
                        ? bucket(user) * 100.0 / BUCKETS
                        : (dealt.getAndIncrement() * GOLDEN) % 1.0 * 100;
        for (int i = 0; i < upTo.length; i++) {
            if (at < upTo[i]) {
                return served(i);
            }
        }
        return served(0);
    }

    private Side served(int arm) {
        return step.arms().get(arm).stopped() ? sides.get(0) : sides.get(arm);
    }

    /** The request's user by the route's sticky key (a header, else a cookie), or null. */
    String user(UnaryOperator<String> header, UnaryOperator<String> cookie) {
        if (step.stickyKey() == null) {
            return null;
        }
        String user = header.apply(step.stickyKey());
        return user != null ? user : cookie.apply(step.stickyKey());
    }

    /**
     * Whether a copy of this request goes to the canary: the route mirrors, the request matches the
     * mirror's rules (any of them, when it has some), and it is one of the mirror's share, dealt
     * evenly as the weights are.
     */
    boolean mirrors(UnaryOperator<String> header, UnaryOperator<String> cookie) {
        Mirror mirror = step.mirror();
        if (mirror == null || side(Role.CANARY).upstreams.isEmpty()) {
            return false;
        }
        if (!mirror.match().isEmpty()
                && mirror.match().stream().noneMatch(rule -> matches(rule, header, cookie))) {
            return false;
        }
        long n = copied.getAndIncrement();
        return Math.floor((n + 1) * mirror.percent() / 100)
                > Math.floor(n * mirror.percent() / 100);
    }

    /** Whether the request's header or cookie the rule names has exactly the rule's value. */
    private static boolean matches(
            MatchRule rule, UnaryOperator<String> header, UnaryOperator<String> cookie) {
        String actual =
                rule.kind() == MatchRule.Kind.HEADER
                        ? header.apply(rule.name())
                        : cookie.apply(rule.name());
        return rule.value().equals(actual);
    }

    static int bucket(String user) {
        int h = user.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return Math.floorMod(h, BUCKETS);
    }

    /** A rollout's side (an experiment's control or first variant). */
    Side side(Role role) {
        return sides.get(role == Role.CANARY ? 1 : 0);
    }

    Backend backend(Role role) {
        return side(role).backend;
    }

    /** The next endpoint of a version, round robin; null when the version has none. */
    Upstream next(Role role) {
        return side(role).next();
    }
}
