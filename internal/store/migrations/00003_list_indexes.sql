-- Indexes for the customer lists and dashboards: each sort has an index
-- that serves it in order, for everyone and per agent.

-- +goose Up
CREATE INDEX customers_risk ON customers (risk_minor, id);
CREATE INDEX customers_search ON customers (search_key, id);
CREATE INDEX customers_agent_overdue ON customers (agent, overdue_minor, id);
CREATE INDEX customers_agent_risk ON customers (agent, risk_minor, id);
CREATE INDEX documents_open ON documents (open_minor, due_date);

-- +goose Down
DROP INDEX documents_open;
DROP INDEX customers_agent_risk;
DROP INDEX customers_agent_overdue;
DROP INDEX customers_search;
DROP INDEX customers_risk;
