package dev.glide.notifier.slack;

import dev.glide.notifier.channel.DeliveryException;
import dev.glide.notifier.channel.Notification;
import dev.glide.notifier.channel.NotificationChannel;
import dev.glide.notifier.channel.RolloutSnapshot;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * One Slack message per rollout, posted to the service's (or team's) channel at its first news and
 * kept current with {@code chat.update}; each piece of news also goes to the message's thread. The
 * message's place is stored as soon as it is posted, so a retry after a failure updates it instead
 * of posting a second one.
 */
@ApplicationScoped
public class SlackChannel implements NotificationChannel {

    private final SlackApi api;
    private final Audiences audiences;

    SlackChannel(SlackApi api, Audiences audiences) {
        this.api = api;
        this.audiences = audiences;
    }

    @Override
    public String type() {
        return "slack";
    }

    @Override
    public void deliver(Notification notification) throws DeliveryException {
        RolloutSnapshot rollout = notification.rollout();
        SlackMessage message =
                QuarkusTransaction.requiringNew()
                        .call(() -> SlackMessage.findById(rollout.rolloutId()));
        if (message == null) {
            String channel =
                    audiences
                            .channel(rollout.service(), rollout.team())
                            .orElseThrow(
                                    () ->
                                            new DeliveryException(
                                                    "no Slack channel for service "
                                                            + rollout.service()
                                                            + " (team "
                                                            + rollout.team()
                                                            + "): set glide.notifier.slack.channel or one per service or team"));
            String ts =
                    api.post(
                            channel,
                            SlackBlocks.fallback(rollout),
                            SlackBlocks.render(rollout),
                            null);
            message =
                    QuarkusTransaction.requiringNew()
                            .call(() -> remember(rollout.rolloutId(), channel, ts));
        } else {
            refresh(message, rollout);
        }
        api.post(message.channel, notification.text(), null, message.ts);
    }

    /** Shows the rollout's current state in its message (after a click, or any news). */
    public void refresh(SlackMessage message, RolloutSnapshot rollout) throws DeliveryException {
        api.update(
                message.channel,
                message.ts,
                SlackBlocks.fallback(rollout),
                SlackBlocks.render(rollout));
    }

    private static SlackMessage remember(String rolloutId, String channel, String ts) {
        SlackMessage message = new SlackMessage();
        message.rolloutId = rolloutId;
        message.channel = channel;
        message.ts = ts;
        message.postedAt = Instant.now();
        message.persist();
        return message;
    }
}
