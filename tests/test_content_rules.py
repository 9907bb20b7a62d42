"""Rules a journalist relies on, checked on the shipped argument maps: each kind of structural mistake fails here.

One point is one node (no two nodes cite the same quote from a source); a question's links take the side its
"yes" declares; a node speaks with the voice of one of its quotes; an event does not happen after the source
that reports it was published, and a voice argues a point on the date its own source bears; a commenter's
unsourced assertion is a claim, not evidence; the counts in seeds/README.md are the seeds' own.
"""

import re
from collections import Counter, defaultdict

import pytest

from icsdebate import seeds

from .conftest import ROOT

SEEDS = ROOT / "seeds"


@pytest.fixture(scope="module")
def content() -> seeds.SeedSet:
    return seeds.read(SEEDS)


def _parts(quote: str) -> list[str]:
    """A quote as lower-case words, one string per part between ellipses (curly quotes folded)."""
    folded = quote.translate(str.maketrans("‘’“”…", "''\"\"\u2026")).replace("\u2026", "...").lower()
    parts = (" ".join(re.findall(r"[a-z0-9']+", part)) for part in folded.split("..."))
    return [part for part in parts if part]


SHARED_RUN = 12  # words in a row that two quotes may not share: a sentence quoted twice, not a common phrase


def _runs(parts: list[str]) -> set[tuple[str, ...]]:
    runs = set()
    for part in parts:
        words = part.split()
        runs.update(tuple(words[i : i + SHARED_RUN]) for i in range(len(words) - SHARED_RUN + 1))
    return runs


def same_quote(a: str, b: str) -> bool:
    """True when every part of one quote lies within the other (the same words, or a cut of them), or when the
    two share a passage of SHARED_RUN words or more (overlapping cuts of one passage)."""
    pa, pb = _parts(a), _parts(b)
    ja, jb = " ".join(pa), " ".join(pb)
    return all(p in jb for p in pa) or all(p in ja for p in pb) or bool(_runs(pa) & _runs(pb))


def shared_quotes(content: seeds.SeedSet) -> list[str]:
    """Pairs of nodes that cite the same quote from the same source."""
    by_source = defaultdict(list)
    for key, node in content.nodes.items():
        for citation in node.citations:
            by_source[citation.source].append((key, citation.quote))
    found = set()
    for source, quotes in by_source.items():
        for i, (key_a, quote_a) in enumerate(quotes):
            for key_b, quote_b in quotes[i + 1 :]:
                if key_a != key_b and same_quote(quote_a, quote_b):
                    found.add(f"{min(key_a, key_b)} and {max(key_a, key_b)} both quote {source}: {quote_a[:60]!r}")
    return sorted(found)


def questions_against_their_yes(content: seeds.SeedSet) -> list[str]:
    """Questions that do not declare which side "yes" takes, or whose link takes the other side."""
    problems = []
    for key, node in content.nodes.items():
        if node.kind != "question":
            continue
        if node.yes_means is None:
            problems.append(f"{key}: a question must say which side 'yes' takes (yes_means)")
            continue
        for parent, relation in node.parents():
            declared = node.yes_means if isinstance(node.yes_means, str) else node.yes_means.get(parent)
            if declared != relation:
                problems.append(f"{key} {relation} {parent}, but its 'yes' {declared or 'says nothing about it'}")
    return problems


def speakers(content: seeds.SeedSet, node) -> set[str]:
    """The voices whose words a node's quotes are: a citation's `speaker`, else the voice of its source."""
    return {citation.speaker or content.sources[citation.source].voice for citation in node.citations}


def voices_without_their_words(content: seeds.SeedSet) -> list[str]:
    """Nodes whose voice said none of their quotes (a point other than an event speaks only in its voice's
    words; an event may be reported by several), points whose voice speaks only through a source that reports it
    without the title saying so, and sources that do not say whose words they hold."""
    problems = [f"source {key} does not say which voice wrote it" for key, s in content.sources.items() if not s.voice]
    for key, node in content.nodes.items():
        if node.voice not in speakers(content, node):
            problems.append(
                f"{key}: voiced as {node.voice}, but its quotes are the words of "
                f"{', '.join(sorted(filter(None, speakers(content, node))))}"
            )
        elif node.kind != "event" and speakers(content, node) != {node.voice}:
            others = sorted(filter(None, speakers(content, node) - {node.voice}))
            problems.append(f"{key}: voiced as {node.voice}, but it also quotes {', '.join(others)}")
        elif all(content.sources[c.source].voice != node.voice for c in node.citations) and "report" not in node.title:
            problems.append(f"{key}: its voice speaks only as reported by a source; the title must say so")
    return problems


def _agree(a: str, b: str) -> bool:
    """Partial dates agree when they are equal to the precision of the less precise."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def dates_against_their_sources(content: seeds.SeedSet) -> list[str]:
    """Events dated after every source that reports them was published; points a voice argued in its own
    source on a date that source does not bear."""
    problems = []
    for key, node in content.nodes.items():
        dated = [content.sources[c.source].date for c in node.citations if content.sources[c.source].date]
        if node.happened_on and dated:
            n = min(len(node.happened_on), *(len(d) for d in dated))
            if all(node.happened_on[:n] > d[:n] for d in dated):
                problems.append(f"{key}: happened on {node.happened_on}, after its sources ({', '.join(dated)})")
        own = [
            content.sources[c.source].date
            for c in node.citations
            if not c.speaker and content.sources[c.source].voice == node.voice and content.sources[c.source].date
        ]
        # a voice that wrote sources but is quoted here only as another source reports it argued on one of its
        # own sources' dates, or the point must say whose report it is (a speaker) and when
        written = [s.date for s in content.sources.values() if s.voice == node.voice and s.date]
        if node.argued_on and not own and written and not any(c.speaker == node.voice for c in node.citations):
            own = written
        if node.argued_on and own and not any(_agree(node.argued_on, d) for d in own):
            problems.append(f"{key}: argued on {node.argued_on}, but its voice's source is dated {', '.join(own)}")
    return problems


def comments_as_evidence(content: seeds.SeedSet) -> list[str]:
    """Evidence that rests on nothing but readers' comments: a commenter's assertion is a claim."""
    return [
        f"{key}: evidence citing only readers' comments"
        for key, node in content.nodes.items()
        if node.kind == "evidence" and all(content.sources[c.source].kind == "comment" for c in node.citations)
    ]


def depth(content, key) -> int:
    node = content.nodes[key]
    return 0 if node.kind == "thesis" else 1 + max(depth(content, parent) for parent, _ in node.parents())


def true_table(content: seeds.SeedSet) -> dict[str, tuple[int, ...]]:
    """For each debate: nodes, deepest, claims, evidence, events, questions (as in the seeds README)."""
    members = defaultdict(list)
    for key, debate in content.debate_of.items():
        members[debate].append(key)
    table = {}
    for debate, keys in members.items():
        kinds = Counter(content.nodes[k].kind for k in keys)
        table[debate] = (
            len(keys),
            max(depth(content, k) for k in keys),
            kinds["claim"],
            kinds["evidence"],
            kinds["event"],
            kinds["question"],
        )
    return table


def readme_problems(content: seeds.SeedSet, text: str) -> list[str]:
    """Where seeds/README.md's table and totals differ from the seeds."""
    stated = {
        key: tuple(int(n) for n in numbers.split("|"))
        for key, numbers in re.findall(r"^\| `([a-z-]+)` \| [^|]+ \| ([\d |]+?) \|\s*$", text, re.M)
    }
    stated = {key: tuple(int(n) for n in re.findall(r"\d+", "|".join(map(str, v)))) for key, v in stated.items()}
    problems = [
        f"{key}: README says {stated.get(key)}, the seeds hold {row}"
        for key, row in true_table(content).items()
        if stated.get(key) != row
    ]
    totals = re.search(r"(\d+) nodes in all, with (\d+) quotes; (\d+) nodes stand under more than one parent", text)
    true = (
        len(content.nodes),
        sum(len(n.citations) for n in content.nodes.values()),
        sum(len(n.parents()) > 1 for n in content.nodes.values()),
    )
    if not totals or tuple(map(int, totals.groups())) != true:
        problems.append(f"README totals {totals.groups() if totals else 'missing'}, the seeds hold {true}")
    return problems


RULES = [
    shared_quotes,
    questions_against_their_yes,
    voices_without_their_words,
    dates_against_their_sources,
    comments_as_evidence,
]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.__name__)
def test_the_shipped_maps_keep_the_rule(content, rule):
    assert rule(content) == []


def test_the_readme_counts_are_the_seeds_own(content):
    assert readme_problems(content, (SEEDS / "README.md").read_text()) == []


# Each rule catches its kind: a small map that breaks it once.


def _map(**node_changes) -> seeds.SeedSet:
    document = {
        "sources": [
            {"key": "report", "title": "A report", "date": "2018-06-11", "kind": "parliament", "voice": "body"},
            {"key": "remark", "title": "A comment", "date": "2018-02-22", "kind": "comment", "voice": "reader"},
        ],
        "voices": [
            {"key": "body", "name": "A Committee", "group": "Parliament"},
            {"key": "reader", "name": "A reader", "group": "Commenters"},
        ],
        "debates": [{"key": "d", "title": "A debate", "thesis": "t"}],
        "nodes": [
            {
                "key": "t",
                "kind": "thesis",
                "title": "Thesis",
                "voice": "body",
                "argued_on": "2018-06-11",
                "citations": [{"source": "report", "quote": "The law will need to change."}],
            },
            {
                "key": "q",
                "kind": "question",
                "title": "Will it fail?",
                "voice": "reader",
                "supports": "t",
                "yes_means": "supports",
                "citations": [{"source": "remark", "quote": "Will it fail without money?"}],
            },
            {
                "key": "e",
                "kind": "event",
                "title": "Something happened",
                "voice": "body",
                "opposes": "t",
                "happened_on": "2018-05",
                "argued_on": "2018-06-11",
                "citations": [{"source": "report", "quote": "We support ICSs."}],
            },
        ],
    }
    for key, changes in node_changes.items():
        node = next((n for n in document["nodes"] if n["key"] == key), None)
        if node is None:
            document["nodes"].append(changes)
        else:
            node.update(changes)
    return seeds.read_document("test", document)


def test_a_valid_small_map_keeps_every_rule():
    assert [rule.__name__ for rule in RULES if rule(_map())] == []


def test_two_nodes_quoting_the_same_words_fail():
    copy = {
        "key": "c",
        "kind": "claim",
        "title": "Copy",
        "voice": "body",
        "supports": "t",
        "citations": [{"source": "report", "quote": "We support ICSs."}],
    }
    assert shared_quotes(_map(c=copy))
    cut = {**copy, "citations": [{"source": "report", "quote": "the law ... need to change"}]}
    assert shared_quotes(_map(c=cut))
    other = {**copy, "citations": [{"source": "remark", "quote": "We support ICSs."}]}
    assert not shared_quotes(_map(c=other))
    long = "one two three four five six seven eight nine ten eleven twelve"
    first = {**copy, "citations": [{"source": "report", "quote": f"Before. {long} thirteen."}]}
    second = {
        "key": "d",
        "kind": "claim",
        "title": "Overlap",
        "voice": "body",
        "supports": "t",
        "citations": [{"source": "report", "quote": f"{long} After."}],
    }
    assert shared_quotes(_map(c=first, d=second))
    eleven = long.rsplit(" ", 1)[0]
    near = {**second, "citations": [{"source": "report", "quote": f"Else. {eleven} differs."}]}
    assert not shared_quotes(_map(c=first, d=near))  # a shorter shared phrase is not a shared quote


def test_a_question_linked_against_its_yes_fails():
    assert questions_against_their_yes(_map(q={"yes_means": "opposes"}))
    assert questions_against_their_yes(_map(q={"yes_means": None}))
    assert not questions_against_their_yes(_map(q={"yes_means": {"t": "supports"}}))


def test_a_voice_that_said_none_of_its_quotes_fails_unless_a_citation_names_it():
    assert voices_without_their_words(_map(e={"voice": "reader"}))
    two_voices = [
        {"source": "report", "quote": "The law will need to change."},
        {"source": "remark", "quote": "Will it fail without money?"},
    ]
    assert voices_without_their_words(_map(t={"citations": two_voices}))
    reported = [{"source": "report", "quote": "We support ICSs.", "speaker": "reader"}]
    assert voices_without_their_words(_map(e={"voice": "reader", "citations": reported}))
    titled = {"voice": "reader", "citations": reported, "title": "A reader, as the Committee reports, said so"}
    assert not voices_without_their_words(_map(e=titled))


def test_an_event_after_its_source_or_a_point_off_its_sources_date_fails():
    assert dates_against_their_sources(_map(e={"happened_on": "2018-07"}))
    assert dates_against_their_sources(_map(e={"argued_on": "2018-05"}))
    assert not dates_against_their_sources(_map(e={"happened_on": "2018"}))
    # voiced as the body that wrote the report, cited only from a comment, on a date the report does not bear
    elsewhere = [{"source": "remark", "quote": "Will it fail without money?"}]
    assert dates_against_their_sources(
        _map(e={"kind": "claim", "happened_on": None, "argued_on": "2018-05", "citations": elsewhere})
    )


def test_evidence_resting_on_a_comment_alone_fails():
    assert comments_as_evidence(_map(q={"kind": "evidence", "yes_means": None}))


def test_a_readme_count_that_is_no_longer_true_fails(content):
    text = (SEEDS / "README.md").read_text()
    row = re.search(r"^\| `privatisation` \| [^|]+ \| (\d+) \|", text, re.M)
    wrong = text[: row.start(1)] + str(int(row.group(1)) + 1) + text[row.end(1) :]
    assert readme_problems(content, wrong)
