package dev.glide.notifier.channel;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.util.Optional;

/** The notifier's settings, validated at start-up. */
@ConfigMapping(prefix = "glide.notifier")
public interface NotifierConfig {

    /** Which channel delivers notifications: {@code log}, {@code webhook} or {@code slack}. */
    @WithDefault("log")
    String channel();

    Webhook webhook();

    /**
     * The Slack settings that must be there for the Slack channel (the rest is read by the Slack
     * package).
     */
    SlackCredentials slack();

    interface SlackCredentials {
        Optional<String> botToken();

        Optional<String> signingSecret();
    }

    /** The generic signed JSON webhook (for Teams, Discord or other bridges). */
    interface Webhook {

        /**
         * Receives each notification as a JSON POST. Required when the channel is {@code webhook}.
         */
        Optional<URI> url();

        /** Signs each body (HMAC-SHA256); without one, deliveries are unsigned. */
        Optional<String> secret();
    }
}
