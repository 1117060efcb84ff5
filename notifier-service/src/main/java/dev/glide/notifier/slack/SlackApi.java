package dev.glide.notifier.slack;

import com.fasterxml.jackson.databind.node.TextNode;
import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.webhook.WebhookResponse;
import dev.glide.notifier.channel.DeliveryException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Slack's Web API through the Slack Java SDK, at the configured base URL. Every failure becomes a
 * {@link DeliveryException}; a 429 carries Slack's Retry-After so the retry waits as long as Slack
 * asked.
 */
@ApplicationScoped
public class SlackApi {

    private final Slack slack;
    private final SlackSettings settings;

    SlackApi(SlackSettings settings) {
        this.settings = settings;
        SlackConfig config = new SlackConfig();
        String url = settings.apiUrl();
        config.setMethodsEndpointUrlPrefix(url.endsWith("/") ? url : url + "/");
        this.slack = Slack.getInstance(config);
    }

    /** Posts a message (a reply when {@code threadTs} is set); returns its ts. */
    public String post(String channel, String text, List<LayoutBlock> blocks, String threadTs)
            throws DeliveryException {
        return call(
                        "chat.postMessage",
                        () ->
                                methods()
                                        .chatPostMessage(
                                                r ->
                                                        r.channel(channel)
                                                                .text(text)
                                                                .blocks(blocks)
                                                                .threadTs(threadTs)
                                                                .unfurlLinks(false)))
                .getTs();
    }

    public void update(String channel, String ts, String text, List<LayoutBlock> blocks)
            throws DeliveryException {
        call(
                "chat.update",
                () ->
                        methods()
                                .chatUpdate(
                                        r -> r.channel(channel).ts(ts).text(text).blocks(blocks)));
    }

    /** The members of a user group. */
    public List<String> usergroupMembers(String usergroup) throws DeliveryException {
        return call(
                        "usergroups.users.list",
                        () -> methods().usergroupsUsersList(r -> r.usergroup(usergroup)))
                .getUsers();
    }

    /**
     * Answers the person who clicked, through the interaction's response_url (only they see it).
     */
    public void tellUser(String responseUrl, String text) throws DeliveryException {
        String json =
                "{\"response_type\":\"ephemeral\",\"replace_original\":false,\"text\":"
                        + quote(text)
                        + "}";
        try {
            WebhookResponse response = slack.send(responseUrl, json);
            if (response.getCode() / 100 != 2) {
                throw new DeliveryException(
                        "Slack's response_url answered "
                                + response.getCode()
                                + ": "
                                + response.getBody());
            }
        } catch (IOException e) {
            throw new DeliveryException(
                    "Slack's response_url is unreachable: " + e.getMessage(), e);
        }
    }

    private MethodsClient methods() throws DeliveryException {
        return slack.methods(
                settings.botToken()
                        .orElseThrow(
                                () ->
                                        new DeliveryException(
                                                "glide.notifier.slack.bot-token is not set")));
    }

    private <T extends SlackApiTextResponse> T call(String method, SlackCall<T> call)
            throws DeliveryException {
        try {
            T response = call.run();
            if (!response.isOk()) {
                throw new DeliveryException("Slack refused " + method + ": " + response.getError());
            }
            return response;
        } catch (SlackApiException e) {
            Duration retryAfter = null;
            String header = e.getResponse().header("Retry-After");
            if (header != null && header.matches("\\d+")) {
                retryAfter = Duration.ofSeconds(Long.parseLong(header));
            }
            throw new DeliveryException(
                    "Slack answered "
                            + method
                            + " with "
                            + e.getResponse().code()
                            + (retryAfter == null
                                    ? ""
                                    : " (retry after " + retryAfter.toSeconds() + " s)"),
                    e,
                    retryAfter);
        } catch (IOException e) {
            throw new DeliveryException(
                    "Slack is unreachable for " + method + ": " + e.getMessage(), e);
        }
    }

    @PreDestroy
    void close() throws Exception {
        slack.close();
    }

    static String quote(String text) {
        return TextNode.valueOf(text).toString();
    }

    @FunctionalInterface
    private interface SlackCall<T> {
        T run() throws IOException, SlackApiException, DeliveryException;
    }
}
