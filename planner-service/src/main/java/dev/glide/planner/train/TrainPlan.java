package dev.glide.planner.train;

import dev.glide.contract.Durations;
import dev.glide.contract.MalformedEventException;
import dev.glide.contract.TrainRelease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a train walks, fixed when it is released: its members in dependency order (each after
 * everything it depends on, level by level; ties in the order they were listed), whether the
 * cutover waits for promote, and the rollback window.
 */
public record TrainPlan(List<Member> members, boolean autoPromote, Duration rollbackWindow) {

    /** One member: a service and the members it starts after. */
    public record Member(String service, List<String> dependsOn) {

        public Member {
            dependsOn = List.copyOf(dependsOn);
        }
    }

    public TrainPlan {
        members = List.copyOf(members);
    }

    /** The plan of {@code release}, or every problem with it, each naming its field. */
    public static TrainPlan of(TrainRelease release) {
        List<String> problems = new ArrayList<>();
        Map<String, TrainRelease.Member> byService = new LinkedHashMap<>();
        for (int i = 0; i < release.members().size(); i++) {
            TrainRelease.Member member = release.members().get(i);
            if (byService.put(member.service(), member) != null) {
                problems.add(
                        "members["
                                + i
                                + "].service: '"
                                + member.service()
                                + "' is in the train twice");
            }
        }
        for (int i = 0; i < release.members().size(); i++) {
            TrainRelease.Member member = release.members().get(i);
            for (String dependency : member.dependsOn()) {
                if (!byService.containsKey(dependency)) {
                    problems.add(
                            "members["
                                    + i
                                    + "].dependsOn: '"
                                    + dependency
                                    + "' is not a member of the train (members: "
                                    + String.join(", ", byService.keySet())
                                    + ")");
                } else if (dependency.equals(member.service())) {
                    problems.add(
                            "members["
                                    + i
                                    + "].dependsOn: '"
                                    + dependency
                                    + "' cannot depend on itself");
                }
            }
        }
        Duration window = null;
        TrainRelease.Cutover cutover =
                release.cutover() == null
                        ? new TrainRelease.Cutover(null, null)
                        : release.cutover();
        try {
            window = Durations.parse(cutover.window());
        } catch (IllegalArgumentException e) {
            problems.add("cutover.rollbackWindow: " + e.getMessage());
        }
        List<Member> ordered = problems.isEmpty() ? ordered(byService, problems) : List.of();
        if (!problems.isEmpty()) {
            throw new MalformedEventException("TrainRelease", problems);
        }
        return new TrainPlan(ordered, cutover.automatic(), window);
    }

    /**
     * Dependencies first, level by level (ties in listed order); a cycle is a problem naming its
     * members.
     */
    private static List<Member> ordered(
            Map<String, TrainRelease.Member> byService, List<String> problems) {
        List<Member> ordered = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        while (ordered.size() < byService.size()) {
            Set<String> before = Set.copyOf(placed);
            for (TrainRelease.Member member : byService.values()) {
                if (!before.contains(member.service()) && before.containsAll(member.dependsOn())) {
                    ordered.add(new Member(member.service(), member.dependsOn()));
                    placed.add(member.service());
                }
            }
            if (placed.size() == before.size()) {
                List<String> cycle =
                        byService.keySet().stream().filter(s -> !placed.contains(s)).toList();
                problems.add(
                        "members: the dependencies of "
                                + String.join(", ", cycle)
                                + " form a cycle");
                return List.of();
            }
        }
        return ordered;
    }

    /**
     * Each member's dependency level: 0 for a member that depends on none, otherwise one more than
     * the highest level among what it depends on. A train cuts over level by level, lowest first,
     * and aborts level by level, highest first.
     */
    public Map<String, Integer> levels() {
        Map<String, Integer> levels = new LinkedHashMap<>();
        for (Member member : members) {
            levels.put(
                    member.service(),
                    member.dependsOn().stream().mapToInt(d -> levels.get(d) + 1).max().orElse(0));
        }
        return levels;
    }

    public int indexOf(String service) {
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).service().equals(service)) {
                return i;
            }
        }
        return -1;
    }

    /** The members that depend on {@code service} directly. */
    public List<String> dependentsOf(String service) {
        return members.stream()
                .filter(m -> m.dependsOn().contains(service))
                .map(Member::service)
                .toList();
    }
}
