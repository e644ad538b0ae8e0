-- Automatic reminders: the plan's rules (JSON; defaults without a row), and every reminder
-- sent, once per rule and recipient (`rule` names the deadline and the occasion, such as
-- `report:2021-06:before3`, `order:17:after1`), together with its in-app notice.
CREATE TABLE reminder_rules (
    plan_id INTEGER PRIMARY KEY REFERENCES plans(id) ON DELETE CASCADE,
    rules TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE reminders (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    rule TEXT NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    kind TEXT NOT NULL CHECK (kind IN ('report', 'order', 'instruction')),
    subject_id INTEGER NOT NULL,
    text TEXT NOT NULL,
    sent_on TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    UNIQUE (plan_id, rule, unit_id)
);
CREATE INDEX reminders_plan ON reminders(plan_id, sent_on);

-- Where messages go besides the in-app notice: a generic JSON webhook (HMAC-SHA256 signed),
-- a 企业微信 or 钉钉 group robot, or an SMS gateway (URL template). A channel without a unit
-- receives every message of its plan; with one, that unit's only.
CREATE TABLE notification_channels (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    unit_id INTEGER REFERENCES units(id),
    kind TEXT NOT NULL CHECK (kind IN ('webhook', 'wecom', 'dingtalk', 'sms')),
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    secret TEXT NOT NULL DEFAULT '',
    body_template TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX notification_channels_plan ON notification_channels(plan_id);

-- The outbox: each message to each channel (or email address), retried with back-off until
-- sent or given up (failed), so that a restart neither loses nor repeats one.
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    channel_id INTEGER REFERENCES notification_channels(id) ON DELETE CASCADE,
    reminder_id INTEGER REFERENCES reminders(id) ON DELETE CASCADE,
    recipient TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    sent_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX deliveries_due ON deliveries(state, next_attempt_at);
CREATE INDEX deliveries_plan ON deliveries(plan_id, state);
