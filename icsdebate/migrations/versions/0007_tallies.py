"""tallies of each debate's nodes by kind, by voice and by relation, kept by triggers

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23

Only active nodes count; a link counts for the debate of its child. As with 0006, a later batch migration
that rebuilds the node or link table on SQLite drops their triggers and must create them again.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

UPSERT = "ON CONFLICT (debate_id, {key}) DO UPDATE SET n = {table}.n + excluded.n"


def _node_rows(row: str, sign: str) -> str:
    """SQLite statements that add (sign '+') or take away (sign '-') the tallies of one node row."""
    return (
        f"INSERT INTO kindtally (debate_id, kind, n) VALUES ({row}.debate_id, {row}.kind, {sign}1) "
        + UPSERT.format(key="kind", table="kindtally")
        + "; "
        f"INSERT INTO voicetally (debate_id, voice_id, n) SELECT {row}.debate_id, {row}.voice_id, {sign}1 "
        f"WHERE {row}.voice_id IS NOT NULL " + UPSERT.format(key="voice_id", table="voicetally") + "; "
        f"INSERT INTO relationtally (debate_id, relation, n) SELECT {row}.debate_id, relation, {sign}count(*) "
        f"FROM link WHERE child_id = {row}.id GROUP BY relation "
        + UPSERT.format(key="relation", table="relationtally")
        + ";"
    )


def _link_row(row: str, sign: str) -> str:
    return (
        f"INSERT INTO relationtally (debate_id, relation, n) SELECT debate_id, {row}.relation, {sign}1 FROM node "
        f"WHERE id = {row}.child_id AND status = 'active' " + UPSERT.format(key="relation", table="relationtally") + ";"
    )


SQLITE_TRIGGERS = {
    "node_tally_ai": f"AFTER INSERT ON node WHEN new.status = 'active' BEGIN {_node_rows('new', '+')} END",
    "node_tally_au_old": "AFTER UPDATE OF status, kind, debate_id, voice_id ON node WHEN old.status = 'active' "
    f"BEGIN {_node_rows('old', '-')} END",
    "node_tally_au_new": "AFTER UPDATE OF status, kind, debate_id, voice_id ON node WHEN new.status = 'active' "
    f"BEGIN {_node_rows('new', '+')} END",
    "node_tally_ad": f"AFTER DELETE ON node WHEN old.status = 'active' BEGIN {_node_rows('old', '-')} END",
    "link_tally_ai": f"AFTER INSERT ON link BEGIN {_link_row('new', '+')} END",
    "link_tally_au": (
        f"AFTER UPDATE OF relation, child_id ON link BEGIN {_link_row('old', '-')} {_link_row('new', '+')} END"
    ),
    "link_tally_ad": f"AFTER DELETE ON link BEGIN {_link_row('old', '-')} END",
}

POSTGRES = [
    """CREATE FUNCTION tally_node(p_id integer, p_debate integer, p_kind varchar, p_voice integer, p_sign integer)
    RETURNS void AS $$ BEGIN
        INSERT INTO kindtally AS t (debate_id, kind, n) VALUES (p_debate, p_kind, p_sign)
            ON CONFLICT (debate_id, kind) DO UPDATE SET n = t.n + excluded.n;
        IF p_voice IS NOT NULL THEN
            INSERT INTO voicetally AS t (debate_id, voice_id, n) VALUES (p_debate, p_voice, p_sign)
                ON CONFLICT (debate_id, voice_id) DO UPDATE SET n = t.n + excluded.n;
        END IF;
        INSERT INTO relationtally AS t (debate_id, relation, n)
            SELECT p_debate, l.relation, p_sign * count(*) FROM link l WHERE l.child_id = p_id GROUP BY l.relation
            ON CONFLICT (debate_id, relation) DO UPDATE SET n = t.n + excluded.n;
    END $$ LANGUAGE plpgsql""",
    """CREATE FUNCTION node_tally() RETURNS trigger AS $$ BEGIN
        IF TG_OP <> 'INSERT' THEN
            IF OLD.status = 'active' THEN PERFORM tally_node(OLD.id, OLD.debate_id, OLD.kind, OLD.voice_id, -1); END IF;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            IF NEW.status = 'active' THEN PERFORM tally_node(NEW.id, NEW.debate_id, NEW.kind, NEW.voice_id, 1); END IF;
        END IF;
        RETURN NULL; END $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER node_tally AFTER INSERT OR UPDATE OF status, kind, debate_id, voice_id OR DELETE ON node "
    "FOR EACH ROW EXECUTE FUNCTION node_tally()",
    """CREATE FUNCTION tally_link(p_child integer, p_relation varchar, p_sign integer) RETURNS void AS $$ BEGIN
        INSERT INTO relationtally AS t (debate_id, relation, n)
            SELECT n.debate_id, p_relation, p_sign FROM node n WHERE n.id = p_child AND n.status = 'active'
            ON CONFLICT (debate_id, relation) DO UPDATE SET n = t.n + excluded.n;
    END $$ LANGUAGE plpgsql""",
    """CREATE FUNCTION link_tally() RETURNS trigger AS $$ BEGIN
        IF TG_OP <> 'INSERT' THEN PERFORM tally_link(OLD.child_id, OLD.relation, -1); END IF;
        IF TG_OP <> 'DELETE' THEN PERFORM tally_link(NEW.child_id, NEW.relation, 1); END IF;
        RETURN NULL; END $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER link_tally AFTER INSERT OR UPDATE OF relation, child_id OR DELETE ON link "
    "FOR EACH ROW EXECUTE FUNCTION link_tally()",
]

BACKFILL = [
    "INSERT INTO kindtally (debate_id, kind, n) SELECT debate_id, kind, count(*) FROM node "
    "WHERE status = 'active' GROUP BY debate_id, kind",
    "INSERT INTO voicetally (debate_id, voice_id, n) SELECT debate_id, voice_id, count(*) FROM node "
    "WHERE status = 'active' AND voice_id IS NOT NULL GROUP BY debate_id, voice_id",
    "INSERT INTO relationtally (debate_id, relation, n) SELECT node.debate_id, link.relation, count(*) FROM link "
    "JOIN node ON node.id = link.child_id WHERE node.status = 'active' GROUP BY node.debate_id, link.relation",
]


def _table(name: str, key: str, key_type) -> None:
    op.create_table(
        name,
        sa.Column("debate_id", sa.Integer(), nullable=False),
        sa.Column(key, key_type, nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["debate_id"], ["debate.id"], name=op.f(f"fk_{name}_debate_id_debate"), ondelete="CASCADE"
        ),
        *(
            [
                sa.ForeignKeyConstraint(
                    ["voice_id"], ["voice.id"], name=op.f(f"fk_{name}_voice_id_voice"), ondelete="CASCADE"
                )
            ]
            if key == "voice_id"
            else []
        ),
        sa.PrimaryKeyConstraint("debate_id", key, name=op.f(f"pk_{name}")),
    )


def upgrade() -> None:
    _table("kindtally", "kind", sqlmodel.sql.sqltypes.AutoString(length=10))
    _table("relationtally", "relation", sqlmodel.sql.sqltypes.AutoString(length=10))
    _table("voicetally", "voice_id", sa.Integer())
    if op.get_bind().dialect.name == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    else:
        for statement in POSTGRES:
            op.execute(statement)
    for statement in BACKFILL:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    else:
        op.execute("DROP TRIGGER link_tally ON link")
        op.execute("DROP TRIGGER node_tally ON node")
        for function in (
            "link_tally()",
            "tally_link(integer, varchar, integer)",
            "node_tally()",
            "tally_node(integer, integer, varchar, integer, integer)",
        ):
            op.execute(f"DROP FUNCTION {function}")
    for name in ("voicetally", "relationtally", "kindtally"):
        op.drop_table(name)
