-- 001 foundation: settings, organisations, accounts, sessions, tokens,
-- invitations, password resets, sign-in attempts, mail outbox, events.
-- {{ID}} and {{BLOB}} are the only per-backend differences (see db.c).
-- Times are integer microseconds since the epoch (UTC). Booleans are 0/1.

CREATE TABLE setting (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE org (
    id {{ID}},
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    allow_signup INTEGER NOT NULL DEFAULT 0,
    signup_domains TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

CREATE TABLE app_user (
    id {{ID}},
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT,
    lang TEXT NOT NULL DEFAULT 'en',
    is_platform_admin INTEGER NOT NULL DEFAULT 0,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE membership (
    org_id BIGINT NOT NULL REFERENCES org(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    role TEXT NOT NULL CHECK (role IN ('learner', 'trainer', 'admin', 'auditor')),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX membership_user ON membership (user_id);

CREATE TABLE user_session (
    id {{ID}},
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX user_session_user ON user_session (user_id);

CREATE TABLE api_token (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES org(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('learner', 'trainer', 'admin', 'auditor')),
    token_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX api_token_org ON api_token (org_id);

CREATE TABLE invitation (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES org(id),
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('learner', 'trainer', 'admin', 'auditor')),
    token_hash TEXT NOT NULL UNIQUE,
    invited_by BIGINT REFERENCES app_user(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    accepted_at BIGINT
);
CREATE INDEX invitation_org ON invitation (org_id, email);

CREATE TABLE password_reset (
    id {{ID}},
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

CREATE TABLE signin_attempt (
    id {{ID}},
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    at BIGINT NOT NULL,
    ok INTEGER NOT NULL
);
CREATE INDEX signin_attempt_email ON signin_attempt (email, at);
CREATE INDEX signin_attempt_ip ON signin_attempt (ip, at);

CREATE TABLE mail_outbox (
    id {{ID}},
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    locked_until BIGINT NOT NULL DEFAULT 0,
    sent_at BIGINT,
    last_error TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (sent_at, next_attempt_at);

-- Admin actions (role changes, tokens, invitations): who did what, when.
CREATE TABLE admin_action (
    id {{ID}},
    org_id BIGINT REFERENCES org(id),
    actor_id BIGINT REFERENCES app_user(id),
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX admin_action_org ON admin_action (org_id, at);

-- Learning events, shaped after xAPI (actor, verb, object); the base of
-- progress, time-on-task and evidence. High rate: written by the batching
-- writer.
CREATE TABLE event (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES org(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    verb TEXT NOT NULL,
    object TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    at BIGINT NOT NULL
);
CREATE INDEX event_user ON event (org_id, user_id, at);
