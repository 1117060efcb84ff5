package dev.glide.notifier.slack;

import dev.glide.notifier.channel.DeliveryException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Who may press a rollout's buttons: the Slack user ids configured for its service or team, and the
 * members of the user groups configured there (ids starting with S, asked of Slack and remembered
 * for a minute).
 */
@ApplicationScoped
public class Approvers {

    private static final Logger LOG = Logger.getLogger(Approvers.class);
    private static final Duration GROUP_TTL = Duration.ofMinutes(1);

    private final Audiences audiences;
    private final SlackApi api;
    private final Map<String, Members> groups = new ConcurrentHashMap<>();

    Approvers(Audiences audiences, SlackApi api) {
        this.audiences = audiences;
        this.api = api;
    }

    public boolean mayAct(String userId, String service, String team) {
        for (String approver : audiences.approvers(service, team)) {
            if (approver.equals(userId)) {
                return true;
            }
            if (approver.startsWith("S") && members(approver).contains(userId)) {
                return true;
            }
        }
        return false;
    }

    private List<String> members(String usergroup) {
        Members cached = groups.get(usergroup);
        if (cached != null && cached.fetchedAt.plus(GROUP_TTL).isAfter(Instant.now())) {
            return cached.users;
        }
        try {
            List<String> users = api.usergroupMembers(usergroup);
            groups.put(usergroup, new Members(users, Instant.now()));
            return users;
        } catch (DeliveryException e) {
            LOG.warnf("could not read the members of user group %s: %s", usergroup, e.getMessage());
            return cached == null ? List.of() : cached.users;
        }
    }

    private record Members(List<String> users, Instant fetchedAt) {}
}
