package dev.glide.notifier;

import dev.glide.testsupport.SlackApiStandIn;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * The notifier's tests' Slack: one {@link SlackApiStandIn} for the test JVM, with the settings that
 * point at it.
 */
public class SlackStandIn implements QuarkusTestResourceLifecycleManager {

    private static SlackApiStandIn slack;

    static SlackApiStandIn slack() {
        return slack;
    }

    @Override
    public synchronized Map<String, String> start() {
        if (slack == null) {
            slack = SlackApiStandIn.start();
        }
        return slack.notifierConfig();
    }

    @Override
    public void stop() {
        // kept for the JVM: other test classes may still look at what it recorded
    }
}
