"""Headers every response carries: caches and browsers must keep pages and htmx fragments apart."""


def test_a_page_varies_by_both_htmx_headers(client, mini):
    for headers in ({}, {"HX-Request": "true", "HX-Target": "main"}, {"HX-Request": "true", "HX-Target": "x"}):
        response = client.get("/debates/mini", headers=headers)
        assert {"HX-Request", "HX-Target"} <= set(response.vary), response.headers.get("Vary")


def test_the_outline_answers_a_branch_only_to_htmx_asking_for_one(client, mini):
    branch = client.get(
        f"/nodes/{mini['t']}/outline", headers={"HX-Request": "true", "HX-Target": "outline-1"}
    ).get_data(as_text=True)
    page = client.get(f"/nodes/{mini['t']}/outline").get_data(as_text=True)
    assert "<html" in page and "<html" not in branch
