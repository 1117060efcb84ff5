package dev.glide.notifier.slack;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Slack ({@code glide.notifier.slack.*}): the bot token and signing secret, the Web API's base URL
 * (Slack's own unless a test or a proxy says otherwise), and per service or team which channel gets
 * its messages and who may press its buttons (Slack user ids {@code U...} or user groups {@code
 * S...}). A service's own settings win over its team's, and the team's over the defaults.
 */
@ConfigMapping(prefix = "glide.notifier.slack")
public interface SlackSettings {

    /** The bot token (xoxb-...) that posts and updates messages. */
    Optional<String> botToken();

    /** Slack's signing secret, which proves an interaction request came from Slack. */
    Optional<String> signingSecret();

    @WithDefault("https://slack.com/api/")
    String apiUrl();

    /** Older requests than this are refused as possible replays. */
    @WithDefault("5m")
    Duration maxRequestAge();

    /** The channel for services and teams without one of their own. */
    Optional<String> channel();

    /** Who may act on services and teams without approvers of their own. */
    Optional<List<String>> approvers();

    Map<String, Audience> teams();

    Map<String, Audience> services();

    /** A channel and the people who may act, for one service or team. */
    interface Audience {
        Optional<String> channel();

        Optional<List<String>> approvers();
    }
}
