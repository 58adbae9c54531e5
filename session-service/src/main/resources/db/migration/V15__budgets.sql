-- voxrelay schema v15: budgets. budget_warned_at: when the session was warned that it nears a limit (0: not since
-- its limits were set). cost_micros: its estimated cost in millionths of a dollar, from the price table (null
-- while nothing was priced).
ALTER TABLE sessions ADD COLUMN budget_warned_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN cost_micros BIGINT;
