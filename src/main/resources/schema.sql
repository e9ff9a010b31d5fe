-- The embedded database: business documents (embedded store adapter) and the idempotent
-- consumer's keys. Camel's default CAMEL_MESSAGEPROCESSED has no primary key and a
-- 100-character id; ours has both fixed.
CREATE TABLE IF NOT EXISTS pasarela_documents (
    path            VARCHAR(1500) PRIMARY KEY,
    collection_path VARCHAR(1500) NOT NULL,
    data            TEXT NOT NULL,
    update_time     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS pasarela_documents_collection ON pasarela_documents (collection_path);

CREATE TABLE IF NOT EXISTS CAMEL_MESSAGEPROCESSED (
    processorName VARCHAR(255) NOT NULL,
    messageId     VARCHAR(512) NOT NULL,
    createdAt     TIMESTAMP NOT NULL,
    PRIMARY KEY (processorName, messageId)
);
