package dev.glide.notifier.slack;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.TextObject;
import com.slack.api.model.block.element.BlockElement;
import dev.glide.contract.RolloutCommand;
import dev.glide.contract.RolloutState;
import dev.glide.notifier.channel.RolloutSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A rollout as one Block Kit message, built with the Slack SDK's model: what is rolling out, where
 * it stands, the newest verdict with its evidence, who did what, and the buttons valid in its state
 * — Promote, Pause and Abort while it progresses; Resume, Promote and Abort while paused; none once
 * it is aborting or over. A release train is one message too, with a line per member instead of
 * versions and steps; its buttons act on the whole train.
 */
public final class SlackBlocks {

    /** The id of the actions block, so an interaction is known to come from these buttons. */
    public static final String ACTIONS_BLOCK = "glide-rollout-actions";

    private SlackBlocks() {}

    /** The commands a person may give a rollout in this state, in button order. */
    public static List<RolloutCommand.Type> commandsFor(RolloutState state) {
        if (state == RolloutState.PROGRESSING) {
            return List.of(
                    RolloutCommand.Type.PROMOTE,
                    RolloutCommand.Type.PAUSE,
                    RolloutCommand.Type.ABORT);
        }
        if (state == RolloutState.PAUSED) {
            return List.of(
                    RolloutCommand.Type.RESUME,
                    RolloutCommand.Type.PROMOTE,
                    RolloutCommand.Type.ABORT);
        }
        return List.of();
    }

    /** The text shown where blocks cannot be (notifications, screen readers). */
    public static String fallback(RolloutSnapshot rollout) {
        if (rollout.isTrain()) {
            return "Release train " + rollout.service() + ": " + rollout.state();
        }
        return String.format(
                Locale.ROOT,
                "%s %s → %s: %s",
                rollout.service(),
                rollout.stableVersion(),
                rollout.canaryVersion(),
                rollout.state());
    }

    public static List<LayoutBlock> render(RolloutSnapshot rollout) {
        List<LayoutBlock> blocks = new ArrayList<>();
        if (rollout.isTrain()) {
            blocks.add(header(h -> h.text(plainText("Release train " + rollout.service()))));
            blocks.add(
                    section(
                            s ->
                                    s.fields(
                                            List.of(
                                                    markdownText("*State*\n" + rollout.state()),
                                                    markdownText(
                                                            "*Environment*\n"
                                                                    + rollout.environment())))));
            // one line per member, in dependency order: where it stands in the train and what its
            // new version serves
            String lines =
                    rollout.members().stream()
                            .map(
                                    m ->
                                            String.format(
                                                    Locale.ROOT,
                                                    "• *%s* %s — %s · %.1f %%%s%s",
                                                    m.service(),
                                                    m.version(),
                                                    m.state(),
                                                    m.canaryPercent(),
                                                    m.dependsOn().isEmpty()
                                                            ? ""
                                                            : " (after "
                                                                    + String.join(
                                                                            ", ", m.dependsOn())
                                                                    + ")",
                                                    m.reason() == null ? "" : ": " + m.reason()))
                            .collect(Collectors.joining("\n"));
            blocks.add(section(s -> s.text(markdownText(lines))));
        } else {
            blocks.add(
                    header(
                            h ->
                                    h.text(
                                            plainText(
                                                    rollout.service()
                                                            + " "
                                                            + rollout.canaryVersion()))));
            List<TextObject> fields = new ArrayList<>();
            fields.add(markdownText("*State*\n" + rollout.state()));
            fields.add(
                    markdownText(
                            "*Strategy*\n" + rollout.strategy() + " · " + rollout.environment()));
            fields.add(
                    markdownText(
                            "*Versions*\n"
                                    + rollout.stableVersion()
                                    + " → "
                                    + rollout.canaryVersion()));
            fields.add(
                    markdownText(
                            String.format(
                                    Locale.ROOT,
                                    "*Step*\n%d of %d · canary %.1f %%",
                                    Math.min(rollout.stepIndex() + 1, rollout.stepCount()),
                                    rollout.stepCount(),
                                    rollout.weights() == null ? 0 : rollout.weights().canary())));
            blocks.add(section(s -> s.fields(fields)));
        }
        if (rollout.reason() != null) {
            blocks.add(section(s -> s.text(markdownText("*Why:* " + rollout.reason()))));
        }
        RolloutSnapshot.VerdictLine verdict = rollout.verdict();
        if (verdict != null) {
            String evidence =
                    verdict.evidence().isEmpty()
                            ? ""
                            : "\n• " + String.join("\n• ", verdict.evidence());
            blocks.add(
                    section(
                            s ->
                                    s.text(
                                            markdownText(
                                                    String.format(
                                                            Locale.ROOT,
                                                            "*Analysis, window %d:* %s (score %d)\n%s%s",
                                                            verdict.window(),
                                                            verdict.verdict(),
                                                            verdict.score(),
                                                            verdict.summary() == null
                                                                    ? ""
                                                                    : verdict.summary(),
                                                            evidence)))));
        }
        if (!rollout.activity().isEmpty()) {
            blocks.add(
                    context(
                            c ->
                                    c.elements(
                                            List.of(
                                                    markdownText(
                                                            String.join(
                                                                    "\n", rollout.activity()))))));
        }
        List<RolloutCommand.Type> commands = commandsFor(rollout.state());
        if (!commands.isEmpty()) {
            List<BlockElement> buttons = new ArrayList<>();
            for (RolloutCommand.Type command : commands) {
                buttons.add(
                        button(
                                b -> {
                                    b.actionId(command.name().toLowerCase(Locale.ROOT))
                                            .text(plainText(label(command)))
                                            .value(rollout.rolloutId() + "|" + rollout.sequence());
                                    if (command == RolloutCommand.Type.PROMOTE) {
                                        b.style("primary");
                                    } else if (command == RolloutCommand.Type.ABORT) {
                                        b.style("danger");
                                    }
                                    return b;
                                }));
            }
            blocks.add(actions(a -> a.blockId(ACTIONS_BLOCK).elements(buttons)));
        }
        return blocks;
    }

    static String label(RolloutCommand.Type command) {
        String name = command.name().toLowerCase(Locale.ROOT);
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }
}
