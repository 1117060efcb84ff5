package dev.glide.notifier.delivery;

import dev.glide.contract.AnalysisVerdict;
import dev.glide.contract.EventCodec;
import dev.glide.contract.RolloutEvent;
import dev.glide.contract.Topics;
import dev.glide.notifier.channel.Notification;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads rollout transitions and verdicts and notifies people of each. A record that is not valid throws, and
 * the channel's dead-letter strategy moves it aside with the reason.
 */
@ApplicationScoped
public class RolloutNewsConsumer {

    private final EventCodec codec;
    private final Deliverer deliverer;

    RolloutNewsConsumer(EventCodec codec, Deliverer deliverer) {
        this.codec = codec;
        this.deliverer = deliverer;
    }

    @Incoming(Topics.ROLLOUT_EVENTS)
    @Blocking
    public void onRolloutEvent(String json) {
        RolloutEvent event = codec.decode(json, RolloutEvent.class);
        String text = String.format(Locale.ROOT, "%s %s (%s, %s): %s%s, canary %.1f %%", event.service(),
                event.canaryVersion(), event.strategy(), event.environment(),
                event.from() == null ? "" : event.from() + " -> ", event.to(),
                event.weights() == null ? 0 : event.weights().canary())
                + (event.actor() == null ? "" : " by " + event.actor());
        deliverer.deliver(new Notification("event:" + event.rolloutId() + ":" + event.sequence(), event.rolloutId(),
                "rollout-event", text, event));
    }

    @Incoming(Topics.ANALYSIS_VERDICTS)
    @Blocking
    public void onVerdict(String json) {
        AnalysisVerdict verdict = codec.decode(json, AnalysisVerdict.class);
        String text = String.format(Locale.ROOT, "analysis window %d: %s (score %d) %s", verdict.window(),
                verdict.verdict(), verdict.score(), verdict.summary() == null ? "" : verdict.summary()).trim();
        deliverer.deliver(new Notification("verdict:" + verdict.rolloutId() + ":" + verdict.stepSequence() + ":"
                + verdict.window(), verdict.rolloutId(), "analysis-verdict", text, verdict));
    }
}
