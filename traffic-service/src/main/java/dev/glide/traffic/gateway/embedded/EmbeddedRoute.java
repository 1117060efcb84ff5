package dev.glide.traffic.gateway.embedded;

import dev.glide.contract.Backend;
import dev.glide.contract.MatchRule;
import dev.glide.contract.Mirror;
import dev.glide.contract.Role;
import dev.glide.contract.RolloutStep;
import dev.glide.traffic.gateway.GatewayException;
import dev.glide.traffic.gateway.Upstream;
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

    final RolloutStep step;
    private final List<Upstream> stable;
    private final List<Upstream> canary;
    private final AtomicInteger turn = new AtomicInteger();
    private final AtomicLong dealt = new AtomicLong();
    private final AtomicLong copied = new AtomicLong();

    private EmbeddedRoute(RolloutStep step, List<Upstream> stable, List<Upstream> canary) {
        this.step = step;
        this.stable = stable;
        this.canary = canary;
    }

    /**
     * The route for a step, refused when a version that is to get traffic has nowhere to send it.
     */
    static EmbeddedRoute of(RolloutStep step) throws GatewayException {
        return new EmbeddedRoute(
                step, Upstream.of(step, Role.STABLE), Upstream.of(step, Role.CANARY));
    }

    /**
     * Which version serves a request: a match rule first (beta testers, a region), then a user's
     * sticky bucket, which keeps one version while the weights hold and only moves users stable ->
     * canary as the canary grows; otherwise the weights, dealt evenly rather than by dice: request
     * n of the route goes to the canary when {@code floor((n + 1) * share) > floor(n * share)}, so
     * every run of requests gets its share to within one request (5 % is one in twenty, exactly),
     * where random picks would stray by +-0.5 pp at 50 % over 10 000.
     */
    Role choose(UnaryOperator<String> header, UnaryOperator<String> cookie) {
        for (MatchRule rule : step.matchRules()) {
            if (matches(rule, header, cookie)) {
                return rule.target();
            }
        }
        double canaryShare = step.weights().canary();
        if (step.stickyKey() != null) {
            String user = header.apply(step.stickyKey());
            user = user != null ? user : cookie.apply(step.stickyKey());
            if (user != null) {
                return bucket(user) < canaryShare * BUCKETS / 100 ? Role.CANARY : Role.STABLE;
            }
        }
        long n = dealt.getAndIncrement();
        return Math.floor((n + 1) * canaryShare / 100) > Math.floor(n * canaryShare / 100)
                ? Role.CANARY
                : Role.STABLE;
    }

    /**
     * Whether a copy of this request goes to the canary: the route mirrors, the request matches the
     * mirror's rules (any of them, when it has some), and it is one of the mirror's share, dealt
     * evenly as the weights are.
     */
    boolean mirrors(UnaryOperator<String> header, UnaryOperator<String> cookie) {
        Mirror mirror = step.mirror();
        if (mirror == null || canary.isEmpty()) {
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

    Backend backend(Role role) {
        return role == Role.CANARY ? step.canary() : step.stable();
    }

    /** The next endpoint of a version, round robin; null when the version has none. */
    Upstream next(Role role) {
        List<Upstream> upstreams = role == Role.CANARY ? canary : stable;
        if (upstreams.isEmpty()) {
            return null;
        }
        return upstreams.get(Math.floorMod(turn.getAndIncrement(), upstreams.size()));
    }
}
