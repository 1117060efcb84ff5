package dev.glide.notifier.delivery;

import dev.glide.contract.AnalysisVerdict;
import dev.glide.contract.EventCodec;
import dev.glide.contract.RolloutEvent;
import dev.glide.contract.RolloutNews;
import dev.glide.contract.Topics;
import dev.glide.contract.TrainEvent;
import dev.glide.contract.jpa.DatabaseOutage;
import dev.glide.notifier.channel.Notification;
import dev.glide.notifier.channel.RolloutSnapshot;
import dev.glide.notifier.view.RolloutViews;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads rollout transitions and verdicts, folds each into the rollout's snapshot and notifies
 * people of it. A record that is not valid throws, and the channel's dead-letter strategy moves it
 * aside with the reason.
 */
@ApplicationScoped
public class RolloutNewsConsumer {

    private static final Logger LOG = Logger.getLogger(RolloutNewsConsumer.class);

    private final EventCodec codec;
    private final Deliverer deliverer;
    private final RolloutViews views;

    RolloutNewsConsumer(EventCodec codec, Deliverer deliverer, RolloutViews views) {
        this.codec = codec;
        this.deliverer = deliverer;
        this.views = views;
    }

    @Incoming(Topics.ROLLOUT_EVENTS)
    @Blocking
    public void onRolloutEvent(String json) {
        RolloutNews news = RolloutNews.read(codec, json);
        if (news instanceof TrainEvent train) {
            onTrainEvent(train);
            return;
        }
        RolloutEvent event = (RolloutEvent) news;
        RolloutSnapshot rollout =
                DatabaseOutage.retry(
                        "event " + event.sequence() + " of rollout " + event.rolloutId(),
                        () -> views.update(event.rolloutId(), snapshot -> snapshot.with(event)));
        String text =
                String.format(
                                Locale.ROOT,
                                "%s %s (%s, %s): %s%s, canary %.1f %%",
                                event.service(),
                                event.canaryVersion(),
                                event.strategy(),
                                event.environment(),
                                event.from() == null ? "" : event.from() + " -> ",
                                event.to(),
                                event.weights() == null ? 0 : event.weights().canary())
                        + (event.actor() == null ? "" : " by " + event.actor())
                        + (event.analysis() != null && !event.to().isFinal()
                                ? "; analysis started"
                                : "")
                        + (event.reason() == null ? "" : ": " + event.reason());
        deliver(
                new Notification(
                        "event:" + event.rolloutId() + ":" + event.sequence(),
                        event.rolloutId(),
                        "rollout-event",
                        text,
                        event,
                        rollout));
    }

    private void onTrainEvent(TrainEvent event) {
        RolloutSnapshot train =
                DatabaseOutage.retry(
                        "event " + event.sequence() + " of train " + event.trainId(),
                        () -> views.update(event.trainId(), snapshot -> snapshot.with(event)));
        String text =
                String.format(
                                Locale.ROOT,
                                "release train %s (%s): %s%s",
                                event.name(),
                                event.environment(),
                                event.from() == null ? "" : event.from() + " -> ",
                                event.to())
                        + (event.actor() == null ? "" : " by " + event.actor())
                        + (event.reason() == null ? "" : ": " + event.reason());
        deliverer.deliver(
                new Notification(
                        "event:" + event.trainId() + ":" + event.sequence(),
                        event.trainId(),
                        "train-event",
                        text,
                        event,
                        train));
    }

    @Incoming(Topics.ANALYSIS_VERDICTS)
    @Blocking
    public void onVerdict(String json) {
        AnalysisVerdict verdict = codec.decode(json, AnalysisVerdict.class);
        RolloutSnapshot rollout =
                DatabaseOutage.retry(
                        "verdict of rollout " + verdict.rolloutId(),
                        () ->
                                views.update(
                                        verdict.rolloutId(), snapshot -> snapshot.with(verdict)));
        String text =
                String.format(
                                Locale.ROOT,
                                "analysis window %d: %s (score %d) %s",
                                verdict.window(),
                                verdict.verdict(),
                                verdict.score(),
                                verdict.summary() == null ? "" : verdict.summary())
                        .trim();
        deliver(
                new Notification(
                        "verdict:"
                                + verdict.rolloutId()
                                + ":"
                                + verdict.stepSequence()
                                + ":"
                                + verdict.window(),
                        verdict.rolloutId(),
                        "analysis-verdict",
                        text,
                        verdict,
                        rollout));
    }

    /**
     * A rollout's news goes to its own message; a release train member's goes to its train's
     * message (one per train, a line per member), in the member's name. Member news that arrives
     * before the train's first event is dropped: the train's events carry every member's standing
     * anyway.
     */
    private void deliver(Notification notification) {
        RolloutSnapshot rollout = notification.rollout();
        if (rollout.trainId() == null) {
            deliverer.deliver(notification);
            return;
        }
        DatabaseOutage.retry("train " + rollout.trainId(), () -> views.find(rollout.trainId()))
                .ifPresentOrElse(
                        train ->
                                deliverer.deliver(
                                        new Notification(
                                                notification.dedupeKey(),
                                                train.rolloutId(),
                                                notification.kind(),
                                                rollout.service() + ": " + notification.text(),
                                                notification.event(),
                                                train)),
                        () ->
                                LOG.infof(
                                        "[rollout %s] news of train %s before the train's own: %s",
                                        rollout.rolloutId(),
                                        rollout.trainId(),
                                        notification.text()));
    }
}
