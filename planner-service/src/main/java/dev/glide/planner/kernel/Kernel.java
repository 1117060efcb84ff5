package dev.glide.planner.kernel;

import dev.glide.contract.EventCodec;
import dev.glide.contract.RolloutCommand;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * The one runner under every event-sourced aggregate: feeds an input to the aggregate's machine and
 * makes the decision durable in the caller's transaction (the input and each output in the log with
 * the machine's sequences, published from there by the outbox; the new status on the row). An
 * ignored input leaves no trace. Also: each command id acted on once, and the fold of a log.
 */
@ApplicationScoped
public class Kernel {

    private static final Logger LOG = Logger.getLogger(Kernel.class);

    private final EventLog log;
    private final EventCodec codec;

    Kernel(EventLog log, EventCodec codec) {
        this.log = log;
        this.codec = codec;
    }

    /** What an output may do to the log while its decision is carried out. */
    public final class Effects {
        private final String kind;
        private final AggregateRow row;
        private final Instant now;
        private final String cause;
        private final String actor;

        private Effects(String kind, AggregateRow row, Instant now, String cause, String actor) {
            this.kind = kind;
            this.row = row;
            this.now = now;
            this.cause = cause;
            this.actor = actor;
        }

        /** What caused the decision, logged with its entries unless an entry names its own. */
        public String cause() {
            return cause;
        }

        /** Who caused it, when a person did. */
        public String actor() {
            return actor;
        }

        /** When the decision was made: one instant for all it does. */
        public Instant now() {
            return now;
        }

        /**
         * Fires a timer named {@code name} after {@code after}; the machine is told {@code epoch}.
         */
        public void startTimer(String name, int epoch, Duration after) {
            Timer timer = new Timer();
            timer.kind = kind;
            timer.aggregateId = row.id;
            timer.name = name;
            timer.epoch = epoch;
            timer.dueAt = now.plus(after);
            timer.persist();
        }

        /**
         * Appends an output as log entry {@code sequence}, published on {@code topic} (or null).
         */
        public void log(
                long sequence,
                LogEntry.Type type,
                String topic,
                Object payload,
                String cause,
                String actor) {
            log.append(kind, row, sequence, type, topic, payload, cause, actor, now);
        }
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public <R extends AggregateRow, S, I, O> Decision<S, O> apply(
            Aggregate<R, S, I, O> aggregate, R row, I input, String cause, String actor) {
        S before = aggregate.status(row);
        Decision<S, O> decision = aggregate.machine(row).decide(before, input);
        if (decision.ignored()) {
            if (decision.refused()) {
                LOG.infof(
                        "[%s %s] %s refused: %s",
                        aggregate.kind(), row.id, cause, decision.refusal());
            }
            return decision;
        }
        Effects effects = new Effects(aggregate.kind(), row, Instant.now(), cause, actor);
        effects.log(row.lastSequence + 1, LogEntry.Type.INPUT, null, input, cause, actor);
        aggregate.prepare(row, decision);
        for (O output : decision.outputs()) {
            aggregate.carryOut(row, output, decision.status(), effects);
        }
        aggregate.settle(row, before, decision);
        return decision;
    }

    /**
     * Promote, abort, pause or resume, once per command id: the same id again gets the first answer
     * back, with the target's state now.
     */
    @Transactional
    public <R extends AggregateRow, S, I, O> CommandAnswer command(
            Aggregate<R, S, I, O> aggregate, RolloutCommand command) {
        R row = aggregate.lock(command.rolloutId());
        SeenCommand seen = SeenCommand.findById(command.commandId());
        if (seen != null) {
            return new CommandAnswer(
                    seen.accepted,
                    "command " + command.commandId() + " was already received: " + seen.answer,
                    aggregate.state(row));
        }
        String verb = command.type().name().toLowerCase(Locale.ROOT);
        Decision<S, O> decision =
                apply(
                        aggregate,
                        row,
                        aggregate.command(command),
                        verb + " (" + command.source() + ")",
                        command.actor());
        String message =
                decision.refused()
                        ? decision.refusal()
                        : verb
                                + " accepted; the "
                                + aggregate.kind()
                                + " is "
                                + aggregate.state(row);
        CommandAnswer answer =
                new CommandAnswer(!decision.refused(), message, aggregate.state(row));
        SeenCommand record = new SeenCommand();
        record.commandId = command.commandId();
        record.kind = aggregate.kind();
        record.targetId = command.rolloutId();
        record.type = command.type().name();
        record.actor = command.actor();
        record.accepted = answer.accepted();
        record.answer = answer.message();
        record.receivedAt = Instant.now();
        record.persist();
        return answer;
    }

    /** Folds the aggregate's logged inputs through its machine from the start. */
    @Transactional
    public <R extends AggregateRow, S, I, O> Fold<S> fold(
            Aggregate<R, S, I, O> aggregate, String id) {
        R row = aggregate.find(id);
        Machine<S, I, O> machine = aggregate.machine(row);
        S folded = aggregate.initial(row);
        List<LogEntry> inputs = log.inputs(aggregate.kind(), id);
        for (LogEntry entry : inputs) {
            folded =
                    machine.decide(folded, codec.decode(entry.payload, aggregate.inputType()))
                            .status();
        }
        S stored = aggregate.status(row);
        return new Fold<>(stored, folded, stored.equals(folded), inputs.size());
    }

    /** The aggregate's whole log, as the API shows it. */
    @Transactional
    public <R extends AggregateRow, S, I, O> List<HistoryEntry> history(
            Aggregate<R, S, I, O> aggregate, String id) {
        aggregate.find(id);
        return log.history(aggregate.kind(), id);
    }
}
