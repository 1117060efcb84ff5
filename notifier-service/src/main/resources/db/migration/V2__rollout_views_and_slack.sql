-- Each rollout as the notifier last saw it: what a chat message shows and which buttons it offers.
create table rollout_view (
    rollout_id  text        primary key,
    snapshot    jsonb       not null,
    updated_at  timestamptz not null
);

-- The one Slack message per rollout, kept current with chat.update; steps go to its thread.
create table slack_message (
    rollout_id  text        primary key,
    channel     text        not null,
    ts          text        not null,
    posted_at   timestamptz not null
);

-- Every button click handled: a replayed request (same action_ts) or the same button twice makes no command.
create table slack_click (
    click_key     text        primary key,
    command_id    text        not null,
    rollout_id    text        not null,
    user_id       text        not null,
    command_type  text        not null,
    clicked_at    timestamptz not null
);
create index slack_click_command on slack_click (command_id);
