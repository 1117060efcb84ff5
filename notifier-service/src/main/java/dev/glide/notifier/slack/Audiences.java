package dev.glide.notifier.slack;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which channel and which approvers apply to a service: its own settings, else its team's, else the
 * defaults.
 */
@ApplicationScoped
public class Audiences {

    private final SlackSettings settings;

    Audiences(SlackSettings settings) {
        this.settings = settings;
    }

    public Optional<String> channel(String service, String team) {
        return pick(service, team, SlackSettings.Audience::channel).or(settings::channel);
    }

    public List<String> approvers(String service, String team) {
        return pick(service, team, SlackSettings.Audience::approvers)
                .or(settings::approvers)
                .orElse(List.of());
    }

    private <T> Optional<T> pick(
            String service, String team, Function<SlackSettings.Audience, Optional<T>> what) {
        Optional<T> own =
                service == null
                        ? Optional.empty()
                        : Optional.ofNullable(settings.services().get(service)).flatMap(what);
        if (own.isPresent()) {
            return own;
        }
        return team == null
                ? Optional.empty()
                : Optional.ofNullable(settings.teams().get(team)).flatMap(what);
    }
}
