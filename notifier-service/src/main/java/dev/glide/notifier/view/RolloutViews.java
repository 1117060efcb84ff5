package dev.glide.notifier.view;

import dev.glide.notifier.channel.RolloutSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Keeps each rollout's snapshot current as its events, verdicts and chat actions arrive. */
@ApplicationScoped
public class RolloutViews {

    RolloutViews() {}

    /**
     * Folds a change into the rollout's snapshot (under a lock on the rollout) and returns the
     * result. The lock is taken before the row exists too: a rollout's first event and its first
     * verdict arrive on two channels at once, and both would insert it.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public RolloutSnapshot update(String rolloutId, UnaryOperator<RolloutSnapshot> change) {
        RolloutView.getEntityManager()
                .createNativeQuery(
                        "select count(*) from (select pg_advisory_xact_lock(hashtext(?1))) l")
                .setParameter(1, "glide-rollout-view:" + rolloutId)
                .getSingleResult();
        RolloutView view = RolloutView.findById(rolloutId, LockModeType.PESSIMISTIC_WRITE);
        if (view == null) {
            view = new RolloutView();
            view.rolloutId = rolloutId;
        }
        RolloutSnapshot before =
                view.snapshot == null ? RolloutSnapshot.empty(rolloutId) : view.snapshot;
        RolloutSnapshot after = change.apply(before);
        view.snapshot = after;
        view.updatedAt = Instant.now();
        view.persist();
        return after;
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<RolloutSnapshot> find(String rolloutId) {
        RolloutView view = RolloutView.findById(rolloutId);
        return view == null ? Optional.empty() : Optional.of(view.snapshot);
    }
}
