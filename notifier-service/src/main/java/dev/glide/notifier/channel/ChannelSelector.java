package dev.glide.notifier.channel;

import dev.glide.contract.seam.Registry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Chooses the channel {@code glide.notifier.channel} names, and fails start-up on a setting that
 * cannot work.
 */
@ApplicationScoped
public class ChannelSelector {

    @Produces
    @Singleton
    @Startup
    @Selected
    NotificationChannel selected(NotifierConfig config, Instance<NotificationChannel> channels) {
        String wanted = config.channel();
        NotificationChannel channel;
        try {
            channel = new Registry<>("notification channel", channels).require(wanted);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("glide.notifier.channel: " + e.getMessage(), e);
        }
        if (channel.type().equals("webhook") && config.webhook().url().isEmpty()) {
            throw new IllegalStateException(
                    "glide.notifier.channel=webhook needs glide.notifier.webhook.url");
        }
        if (channel.type().equals("slack")
                && (config.slack().botToken().isEmpty()
                        || config.slack().signingSecret().isEmpty())) {
            throw new IllegalStateException(
                    "glide.notifier.channel=slack needs glide.notifier.slack.bot-token and "
                            + "glide.notifier.slack.signing-secret");
        }
        return channel;
    }
}
