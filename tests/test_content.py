"""The shipped argument maps: loadable, whole, fairly spread, every quote found in its source."""

import re
import subprocess
import sys
from collections import Counter, defaultdict

import pytest

from icsdebate import seeds

from .conftest import ROOT, load_seeds

SEEDS = ROOT / "seeds"
CHECKER = ROOT.parent / "shared" / "tools" / "check_quotes.py"


@pytest.fixture(scope="module")
def content() -> seeds.SeedSet:
    return seeds.read(SEEDS)


def depth(content, key) -> int:
    """Longest chain of parents from `key` up to a thesis."""
    node = content.nodes[key]
    return 0 if node.kind == "thesis" else 1 + max(depth(content, parent) for parent, _ in node.parents())


def stated_counts() -> dict[str, int]:
    """The node count of each debate as the seeds README states it (| key | nodes | ...)."""
    text = (SEEDS / "README.md").read_text()
    return {key: int(n) for key, n in re.findall(r"^\| `([a-z-]+)` \| [^|]+ \| (\d+) \|", text, re.M)}


def test_every_quote_is_found_in_a_source():
    if not CHECKER.exists():
        pytest.skip(f"the quote checker is not beside this checkout ({CHECKER})")
    result = subprocess.run([sys.executable, str(CHECKER), str(SEEDS)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    checked = int(re.search(r"(\d+) quotes checked, 0 not found", result.stdout).group(1))
    assert checked >= 250


def test_all_seeds_load_into_the_database(app, client):
    content = load_seeds(app, SEEDS)
    html = client.get("/").get_data(as_text=True)
    for debate in content.debates.values():
        assert debate.title.replace("'", "&#39;") in html


def test_the_readme_states_the_true_size_of_each_debate(content):
    actual = Counter(content.debate_of.values())
    assert stated_counts() == dict(actual)


def test_there_are_six_debates_and_at_least_250_nodes(content):
    assert len(content.debates) >= 6
    assert len(content.nodes) >= 250


def test_each_debate_is_three_levels_deep_and_argues_both_sides(content):
    members = defaultdict(list)
    for key, debate in content.debate_of.items():
        members[debate].append(key)
    for debate, keys in members.items():
        assert max(depth(content, key) for key in keys) >= 3, debate
        thesis = content.debates[debate].thesis
        relations = {rel for key in keys for parent, rel in content.nodes[key].parents() if parent == thesis}
        assert relations == {"supports", "opposes"}, debate


def test_every_source_is_cited_and_every_theme_used(content):
    cited = {c.source for node in content.nodes.values() for c in node.citations}
    documents = {
        "kf-making-sense",
        "wikipedia-ics",
        "kf-future-ics",
        "kf-gp-investment",
        "hsc-integrated-care",
        "nhsforsale-integrated-care",
    }
    assert documents <= cited


def test_at_least_15_nodes_have_several_parents(content):
    assert sum(len(node.parents()) > 1 for node in content.nodes.values()) >= 15


def test_at_least_15_committee_conclusions_are_located(content):
    conclusions = set()
    for node in content.nodes.values():
        for citation in node.citations:
            if citation.source == "hsc-integrated-care":
                match = re.fullmatch(r"Conclusion (\d+) \(Paragraph (\d+)\)", citation.locator)
                assert match, f"{citation.locator!r} is not 'Conclusion N (Paragraph M)'"
                conclusions.add(int(match.group(1)))
    assert len(conclusions) >= 15


def test_the_campaigners_five_questions_are_answered(content):
    asked = {}
    for key, node in content.nodes.items():
        for citation in node.citations:
            found = re.fullmatch(r"question (\d)", citation.locator)
            if found and node.kind == "question":
                asked[int(found.group(1))] = key
    assert sorted(asked) == [1, 2, 3, 4, 5]
    for key in asked.values():
        answers = [k for k, n in content.nodes.items() if key in dict(n.parents())]
        assert answers, f"question {key} has no answers"
        assert {content.nodes[a].voice for a in answers} != {"nhs-for-sale"}, f"{key} is answered only by its askers"


def test_every_commenter_who_argues_has_a_voice_with_an_argument(content):
    voices = {node.voice for node in content.nodes.values()}
    commenters = {key for key, voice in content.voices.items() if voice.group == "Commenters"}
    assert commenters - voices == set()


def test_events_are_dated_and_bear_on_claims(content):
    events = [node for node in content.nodes.values() if node.kind == "event"]
    assert len(events) >= 8
    assert all(node.happened_on for node in events)
    happened = {node.happened_on[:7] for node in events}
    assert {"2018-02", "2022-07"} <= happened


def test_quotes_are_short(content):
    for key, node in content.nodes.items():
        for citation in node.citations:
            assert len(citation.quote.split()) <= 75, key
