package dev.glide.notifier.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.slack.api.app_backend.SlackSignature;
import dev.glide.contract.EventCodec;
import dev.glide.contract.RolloutCommand;
import dev.glide.contract.Topics;
import dev.glide.contract.kafka.EventPublisher;
import dev.glide.notifier.channel.DeliveryException;
import dev.glide.notifier.channel.RolloutSnapshot;
import dev.glide.notifier.view.RolloutViews;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.PreDestroy;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * Slack's interaction callbacks: a button pressed on a rollout's message. The request must carry
 * Slack's v0 signature over {@code v0:<timestamp>:<raw body>} with the signing secret, checked by
 * the Slack SDK's verifier, and a timestamp under five minutes old; otherwise 401 and nothing
 * happens. A valid click by someone allowed to act on the service becomes one {@code
 * rollout-commands} record with them as the actor, the message is updated to show who clicked, and
 * the person is answered privately; a replayed request, a second click on the same button, a button
 * no longer valid in the rollout's state, or a person not allowed make no command, and the person
 * is told why.
 */
@Path("/slack/interactions")
public class SlackInteractions {

    private static final Logger LOG = Logger.getLogger(SlackInteractions.class);
    static final String TIMESTAMP_HEADER = "X-Slack-Request-Timestamp";
    static final String SIGNATURE_HEADER = "X-Slack-Signature";

    private final SlackSettings settings;
    private final SlackApi api;
    private final SlackChannel channel;
    private final Approvers approvers;
    private final RolloutViews views;
    private final EventPublisher commands;
    private final ObjectMapper json;
    private final ExecutorService followUps = Executors.newFixedThreadPool(2);

    SlackInteractions(
            SlackSettings settings,
            SlackApi api,
            SlackChannel channel,
            Approvers approvers,
            RolloutViews views,
            EventCodec codec,
            @Channel(Topics.ROLLOUT_COMMANDS) Emitter<String> emitter) {
        this.settings = settings;
        this.api = api;
        this.channel = channel;
        this.approvers = approvers;
        this.views = views;
        this.commands = new EventPublisher(emitter, codec);
        this.json = codec.mapper();
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Blocking
    public Response interaction(
            @HeaderParam(TIMESTAMP_HEADER) String timestamp,
            @HeaderParam(SIGNATURE_HEADER) String signature,
            String body) {
        Optional<String> refusal = verify(timestamp, signature, body);
        if (refusal.isPresent()) {
            LOG.warnf("Slack interaction refused: %s", refusal.get());
            return Response.status(401).type(MediaType.TEXT_PLAIN).entity(refusal.get()).build();
        }
        JsonNode payload;
        try {
            payload = json.readTree(formField(body, "payload"));
        } catch (IOException | IllegalArgumentException e) {
            return Response.status(400)
                    .type(MediaType.TEXT_PLAIN)
                    .entity("no JSON payload in the request")
                    .build();
        }
        if (!"block_actions".equals(payload.path("type").asText())
                || payload.path("actions").isEmpty()) {
            return Response.ok().build();
        }
        Click click = Click.of(payload);
        Outcome outcome = handle(click);
        // The command is on the broker before Slack gets its 200; telling the user and redrawing
        // the message
        // happen after, so Slack's three seconds are kept even when its API is slow.
        followUps.execute(
                () -> {
                    try {
                        api.tellUser(click.responseUrl(), outcome.answer());
                    } catch (DeliveryException e) {
                        LOG.warnf("could not answer %s: %s", click.userId(), e.getMessage());
                    }
                    if (outcome.commandSent()) {
                        showClick(click, outcome.verb());
                    }
                });
        return Response.ok().build();
    }

    /** Why the request is refused, or empty when Slack signed it and it is fresh. */
    private Optional<String> verify(String timestamp, String signature, String body) {
        String secret = settings.signingSecret().orElse(null);
        if (secret == null) {
            return Optional.of(
                    "glide.notifier.slack.signing-secret is not set; no interaction is accepted");
        }
        if (signature == null || signature.isBlank() || timestamp == null || timestamp.isBlank()) {
            return Optional.of("missing " + SIGNATURE_HEADER + " or " + TIMESTAMP_HEADER);
        }
        long sent;
        try {
            sent = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return Optional.of(TIMESTAMP_HEADER + " is not a number of seconds");
        }
        long age = Instant.now().getEpochSecond() - sent;
        if (Math.abs(age) > settings.maxRequestAge().toSeconds()) {
            return Optional.of(
                    "request timestamp is "
                            + age
                            + " s old; at most "
                            + settings.maxRequestAge().toSeconds()
                            + " s is accepted");
        }
        SlackSignature.Verifier verifier =
                new SlackSignature.Verifier(new SlackSignature.Generator(secret));
        if (!verifier.isValid(timestamp, body, signature, System.currentTimeMillis())) {
            return Optional.of("signature does not match the body");
        }
        return Optional.empty();
    }

    private Outcome handle(Click click) {
        Optional<RolloutCommand.Type> type = click.command();
        if (type.isEmpty() || click.rolloutId() == null) {
            return Outcome.refused("That button is not one of Glide's.");
        }
        Optional<RolloutSnapshot> found = views.find(click.rolloutId());
        if (found.isEmpty()) {
            return Outcome.refused("Glide does not know rollout " + click.rolloutId() + ".");
        }
        RolloutSnapshot rollout = found.get();
        String verb = SlackBlocks.label(type.get());
        // a train is acted on whole: whoever clicks must be an approver of every member's service
        List<String> services =
                rollout.isTrain()
                        ? rollout.members().stream().map(m -> m.service()).toList()
                        : List.of(rollout.service());
        for (String service : services) {
            if (!approvers.mayAct(click.userId(), service, rollout.team())) {
                return Outcome.refused(
                        "You may not act on " + service + ": ask one of its approvers.");
            }
        }
        if (rollout.state() != null && rollout.state().isFinal()) {
            return Outcome.refused(
                    (rollout.isTrain()
                                    ? "Release train " + rollout.service()
                                    : "Rollout "
                                            + rollout.service()
                                            + " "
                                            + rollout.canaryVersion())
                            + " has already "
                            + rollout.state().name().toLowerCase(Locale.ROOT)
                            + "; nothing to "
                            + verb.toLowerCase(Locale.ROOT)
                            + ".");
        }
        if (!SlackBlocks.commandsFor(rollout.state()).contains(type.get())) {
            return Outcome.refused(
                    verb + " is not possible while the rollout is " + rollout.state() + ".");
        }
        String commandId =
                "slack:"
                        + click.rolloutId()
                        + ":"
                        + type.get().name().toLowerCase(Locale.ROOT)
                        + ":"
                        + click.renderedAt();
        SlackClick earlier =
                QuarkusTransaction.requiringNew()
                        .call(
                                () -> {
                                    SlackClick same = SlackClick.findById(click.key());
                                    return same != null ? same : SlackClick.byCommand(commandId);
                                });
        if (earlier != null) {
            return Outcome.refused(
                    verb
                            + " was already requested by <@"
                            + earlier.userId
                            + "> at "
                            + earlier.clickedAt
                            + "; it is not sent twice.");
        }
        RolloutCommand command =
                new RolloutCommand(
                        RolloutCommand.SCHEMA_VERSION,
                        commandId,
                        click.rolloutId(),
                        type.get(),
                        click.actor(),
                        "slack",
                        verb + " clicked in Slack",
                        Instant.now(),
                        rollout.isTrain()
                                ? RolloutCommand.Target.TRAIN
                                : RolloutCommand.Target.ROLLOUT);
        commands.publish(command);
        QuarkusTransaction.requiringNew()
                .run(
                        () -> {
                            SlackClick remembered = new SlackClick();
                            remembered.clickKey = click.key();
                            remembered.commandId = commandId;
                            remembered.rolloutId = click.rolloutId();
                            remembered.userId = click.userId();
                            remembered.commandType = type.get().name();
                            remembered.clickedAt = Instant.now();
                            remembered.persist();
                        });
        LOG.infof("[rollout %s] %s by %s from Slack", click.rolloutId(), type.get(), click.actor());
        return new Outcome(
                verb + " sent for " + rollout.service() + " " + rollout.canaryVersion() + ".",
                true,
                verb);
    }

    /** Redraws the rollout's message with who clicked. */
    private void showClick(Click click, String verb) {
        RolloutSnapshot shown =
                views.update(
                        click.rolloutId(),
                        snapshot ->
                                snapshot.withActivity(
                                        verb + " requested by <@" + click.userId() + ">"));
        SlackMessage message =
                QuarkusTransaction.requiringNew()
                        .call(() -> SlackMessage.findById(click.rolloutId()));
        if (message != null) {
            try {
                channel.refresh(message, shown);
            } catch (DeliveryException e) {
                LOG.warnf(
                        "[rollout %s] could not show the click in its message: %s",
                        click.rolloutId(), e.getMessage());
            }
        }
    }

    @PreDestroy
    void stop() {
        followUps.shutdown();
    }

    /** What the click came to: the answer for the person, and whether a command went out. */
    private record Outcome(String answer, boolean commandSent, String verb) {

        static Outcome refused(String answer) {
            return new Outcome(answer, false, null);
        }
    }

    private static String formField(String body, String name) {
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        throw new IllegalArgumentException("no " + name);
    }

    /** The one button a block_actions payload reports. */
    record Click(
            String userId,
            String userName,
            String actionId,
            String value,
            String actionTs,
            String responseUrl) {

        static Click of(JsonNode payload) {
            JsonNode action = payload.path("actions").get(0);
            JsonNode user = payload.path("user");
            return new Click(
                    user.path("id").asText(),
                    user.path("username").asText(user.path("name").asText(null)),
                    action.path("action_id").asText(),
                    action.path("value").asText(),
                    action.path("action_ts").asText(),
                    payload.path("response_url").asText());
        }

        Optional<RolloutCommand.Type> command() {
            try {
                return Optional.of(RolloutCommand.Type.valueOf(actionId.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }

        String rolloutId() {
            int bar = value.indexOf('|');
            return bar > 0 ? value.substring(0, bar) : null;
        }

        /**
         * The rollout event the message showed when the button was drawn: the same button twice is
         * one command.
         */
        String renderedAt() {
            int bar = value.indexOf('|');
            return bar > 0 ? value.substring(bar + 1) : "";
        }

        /** The same click delivered again (Slack's retry, a replay) has the same key. */
        String key() {
            return userId + ":" + actionId + ":" + value + ":" + actionTs;
        }

        String actor() {
            return "slack:"
                    + (userName == null || userName.isBlank() ? userId : userName)
                    + " ("
                    + userId
                    + ")";
        }
    }
}
