"""full-text search over titles, annotations and quotes (FTS5 on SQLite, tsvector on PostgreSQL)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23

The index is kept up to date by triggers. On SQLite, a later batch migration that rebuilds the node or
citation table drops their triggers: such a migration must create them again (see SQLITE_TRIGGERS).
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

QUOTES = "coalesce((SELECT group_concat(quote, ' ') FROM citation WHERE node_id = {id}), '')"
SQLITE_TRIGGERS = [
    "CREATE TRIGGER node_search_ai AFTER INSERT ON node BEGIN "
    "INSERT INTO node_search(rowid, title, annotation, quotes) VALUES (new.id, new.title, new.annotation, "
    + QUOTES.format(id="new.id")
    + "); END",
    "CREATE TRIGGER node_search_au AFTER UPDATE OF title, annotation ON node BEGIN "
    "UPDATE node_search SET title = new.title, annotation = new.annotation WHERE rowid = new.id; END",
    "CREATE TRIGGER node_search_ad AFTER DELETE ON node BEGIN DELETE FROM node_search WHERE rowid = old.id; END",
    "CREATE TRIGGER citation_search_ai AFTER INSERT ON citation BEGIN "
    "UPDATE node_search SET quotes = " + QUOTES.format(id="new.node_id") + " WHERE rowid = new.node_id; END",
    "CREATE TRIGGER citation_search_ad AFTER DELETE ON citation BEGIN "
    "UPDATE node_search SET quotes = " + QUOTES.format(id="old.node_id") + " WHERE rowid = old.node_id; END",
]
POSTGRES = [
    "ALTER TABLE node ADD COLUMN search tsvector",
    """CREATE FUNCTION node_search_vector() RETURNS trigger AS $$ BEGIN
        NEW.search := setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
            || setweight(to_tsvector('english', coalesce(NEW.annotation, '')), 'B')
            || setweight(to_tsvector('english', coalesce(
                (SELECT string_agg(quote, ' ') FROM citation WHERE node_id = NEW.id), '')), 'C');
        RETURN NEW; END $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER node_search_biu BEFORE INSERT OR UPDATE OF title, annotation ON node "
    "FOR EACH ROW EXECUTE FUNCTION node_search_vector()",
    """CREATE FUNCTION citation_search_touch() RETURNS trigger AS $$ BEGIN
        UPDATE node SET title = title WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.node_id ELSE NEW.node_id END;
        RETURN NULL; END $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER citation_search_aiud AFTER INSERT OR UPDATE OR DELETE ON citation "
    "FOR EACH ROW EXECUTE FUNCTION citation_search_touch()",
    "UPDATE node SET title = title",
    "CREATE INDEX ix_node_search ON node USING gin (search)",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE node_search USING fts5(title, annotation, quotes, "
            "tokenize = 'porter unicode61 remove_diacritics 2')"
        )
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
        op.execute(
            "INSERT INTO node_search(rowid, title, annotation, quotes) "
            "SELECT id, title, annotation, " + QUOTES.format(id="node.id") + " FROM node"
        )
    else:
        for statement in POSTGRES:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("node_search_ai", "node_search_au", "node_search_ad", "citation_search_ai", "citation_search_ad"):
            op.execute(f"DROP TRIGGER {name}")
        op.execute("DROP TABLE node_search")
    else:
        op.execute("DROP TRIGGER citation_search_aiud ON citation")
        op.execute("DROP FUNCTION citation_search_touch()")
        op.execute("DROP TRIGGER node_search_biu ON node")
        op.execute("DROP FUNCTION node_search_vector()")
        op.execute("DROP INDEX ix_node_search")
        op.execute("ALTER TABLE node DROP COLUMN search")
