-- Every primary key in time order: the record's id first (a UUID v7, or an id derived from one,
-- begins with its timestamp), the shard key last. Keys led by the shard key (16 bits that look
-- random) put each new row on a random leaf page of every index, and could not serve a walk of
-- one kind's records in id order (the billing run's pages of subscriptions), which sorted the
-- whole kind for each page. The shard key stays in every key, as Citus requires; look-ups by
-- (shard, id) and `ON CONFLICT` targets use the new keys unchanged. Citus propagates the change
-- to every shard (one subcommand per statement, as it requires).

ALTER TABLE events DROP CONSTRAINT events_pkey;
ALTER TABLE events ADD PRIMARY KEY (kind, id, seq, shard);
ALTER TABLE states DROP CONSTRAINT states_pkey;
ALTER TABLE states ADD PRIMARY KEY (kind, id, shard);
ALTER TABLE outbox DROP CONSTRAINT outbox_pkey;
ALTER TABLE outbox ADD PRIMARY KEY (id, shard);
ALTER TABLE tickets DROP CONSTRAINT tickets_pkey;
ALTER TABLE tickets ADD PRIMARY KEY (id, shard);
ALTER TABLE experts DROP CONSTRAINT experts_pkey;
ALTER TABLE experts ADD PRIMARY KEY (id, shard);
ALTER TABLE expert_skills DROP CONSTRAINT expert_skills_pkey;
ALTER TABLE expert_skills ADD PRIMARY KEY (expert, category, shard);
ALTER TABLE customers DROP CONSTRAINT customers_pkey;
ALTER TABLE customers ADD PRIMARY KEY (id, shard);
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_pkey;
ALTER TABLE subscriptions ADD PRIMARY KEY (id, shard);
ALTER TABLE invoices DROP CONSTRAINT invoices_pkey;
ALTER TABLE invoices ADD PRIMARY KEY (id, shard);
ALTER TABLE card_vault DROP CONSTRAINT card_vault_pkey;
ALTER TABLE card_vault ADD PRIMARY KEY (token, shard);
