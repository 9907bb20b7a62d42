"""The marks every card repeats (labels.py): the words a reader sees, and text never read as markup."""

from markupsafe import Markup

from icsdebate.labels import counted, drill, kind_badge, side_label, standing_words


def test_a_cards_side_reads_for_or_against_and_yes_or_no_under_a_question():
    assert str(side_label("supports")) == '<span class="side side-pro">For</span>'
    assert str(side_label("opposes", "question")) == '<span class="side side-con">No</span>'
    assert str(side_label("answers", "question")) == '<span class="side side-answer">Position</span>'
    assert str(side_label(None)) == ""


def test_standing_says_why_with_the_count_of_replies():
    assert str(standing_words("stands", 0)) == "<strong>Stands</strong>: nothing opposes it"
    assert str(standing_words("stands", 3)) == "<strong>Stands</strong>: all 3 replies against it are answered"
    assert str(standing_words("answered", 1)) == "<strong>Answered</strong>: the reply against it stands"
    assert str(standing_words("answered", 2)).endswith("at least one of the 2 replies against it stands")
    assert str(standing_words("undecided", 2)).startswith("<strong>Undecided</strong>")
    assert counted(1, "point", "points") == "1 point" and counted(0, "point", "points") == "0 points"


def test_text_given_to_a_mark_is_escaped():
    assert str(kind_badge('x"><script>')) == (
        '<span class="kind kind-x&#34;&gt;&lt;script&gt;">x&#34;&gt;&lt;script&gt;</span>'
    )
    assert str(kind_badge("claim")) == '<span class="kind kind-claim">claim</span>'
    attributes = str(drill('/nodes/1?q="><b>'))
    assert attributes.startswith('href="/nodes/1?q=&#34;&gt;&lt;b&gt;" hx-get="/nodes/1?q=&#34;&gt;&lt;b&gt;"')
    assert "<b>" not in attributes


def test_a_remembered_link_is_escaped_as_text_whether_it_came_as_text_or_as_markup():
    for _ in range(2):  # made, then remembered
        assert str(drill("/search?q=a&b")).startswith('href="/search?q=a&amp;b"')
        assert str(drill(Markup("/search?q=a&amp;b"))).startswith('href="/search?q=a&amp;b"')  # escaped already
        assert str(drill("/search?q=a&amp;b")).startswith('href="/search?q=a&amp;amp;b"')
