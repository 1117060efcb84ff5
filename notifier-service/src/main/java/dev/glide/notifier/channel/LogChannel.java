package dev.glide.notifier.channel;

import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Writes notifications to the log: the default, and what a local run shows without any chat set up.
 */
@ApplicationScoped
public class LogChannel implements NotificationChannel {

    private static final Logger LOG = Logger.getLogger(LogChannel.class);

    @Override
    public String type() {
        return "log";
    }

    @Override
    public void deliver(Notification notification) {
        LOG.infof("[rollout %s] %s", notification.rolloutId(), notification.text());
    }
}
