"""One counting rule for themes (service/theme_rule.py): a statement counts under a theme when it
is tagged with it or with a narrower theme, once. The theme index, the theme pages, /recurring and
the catalogue's good-practice-on-theme must give the same numbers."""
import html
import re
from collections import Counter

import pytest

from service.theme_rule import theme_tree

from .conftest import BASE


def _themes(client):
    text = client.get("/themes/").text
    return {slug: int(n) for slug, n in re.findall(
        r'<a href="/themes/([a-z0-9-]+)">[^<]*</a> <span class="n"[^>]*>(\d+)</span>', text)}


def _theme_page(client, slug):
    text = client.get(f"/themes/{slug}").text
    total = re.search(r'<strong id="theme-total">(\d+)</strong>', text)
    kinds = {html.unescape(k): int(n) for k, n in re.findall(
        r'<span class="kind-count" data-kind="([^"]+)">[^<]*: (\d+)</span>', text)}
    groups = {}
    for anchor, body in re.findall(r'<section class="group" id="([^"]+)">(.*?)</section>', text, re.DOTALL):
        groups[anchor] = Counter(re.findall(r'<span class="kind">([^<]+)</span>', body))
    return (int(total.group(1)) if total else 0), kinds, groups


def test_each_theme_appears_once_in_the_tree(client):
    text = client.get("/themes/").text
    slugs = re.findall(r'<li><a href="/themes/([a-z0-9-]+)">', text)
    assert len(slugs) == len(set(slugs))
    listed = client.get("/sparql", params={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ ?t a <{BASE}/def/inspection/Theme> }}"})
    assert len(slugs) == int(listed.json()["results"]["bindings"][0]["n"]["value"])


def test_index_and_theme_pages_agree_and_include_narrower_themes(client):
    index = _themes(client)
    assert index
    for slug, n in index.items():
        total, kinds, _ = _theme_page(client, slug)
        assert total == n == sum(kinds.values()), slug
    # A broader theme counts at least what each of its narrower themes counts.
    text = client.get("/themes/neighbourhood-policing").text
    narrower = re.search(r"Narrower themes.*?</p>", text, re.DOTALL).group(0)
    for slug in re.findall(r'href="/themes/([a-z0-9-]+)"', narrower):
        assert index["neighbourhood-policing"] >= index[slug]


def test_good_practice_on_theme_agrees_with_the_theme_pages(client):
    checked = 0
    for slug in _themes(client):
        _, kinds, _ = _theme_page(client, slug)
        answer = client.get("/queries/good-practice-on-theme",
                            params={"theme": f"{BASE}/def/theme/{slug}"}).json()
        practices = {b["practice"]["value"] for b in answer["results"]["bindings"]}
        assert kinds.get("Good practice example", 0) == len(practices), slug
        checked += bool(practices)
    assert checked >= 2  # the corpus has good practice under several themes


def test_recurring_cells_agree_with_the_theme_pages_and_link_to_them(client):
    text = client.get("/recurring").text
    cells = re.findall(r'<a href="/themes/([a-z0-9-]+)#([a-z0-9-]+)" title="[^"]*">(\d+)</a>', text)
    assert cells
    pages = {}
    for slug, anchor, n in cells:
        if slug not in pages:
            pages[slug] = _theme_page(client, slug)[2]
        group = pages[slug][anchor]
        assert group["Area for improvement"] + group["Cause of concern"] == int(n), (slug, anchor)


def test_tree_hangs_a_theme_with_two_parents_once_and_names_the_other():
    themes = {"a": {"label": "A", "n": 1, "forces": 1}, "b": {"label": "B", "n": 1, "forces": 1},
              "c": {"label": "C", "n": 1, "forces": 1}}
    tree = theme_tree({f"x/{k}": v for k, v in themes.items()},
                      [("x/c", "x/a"), ("x/c", "x/b")])
    assert [t.label for t in tree] == ["A", "B"]
    assert [c.label for c in tree[0].children] == ["C"] and not tree[1].children
    assert tree[0].children[0].parents == [("/themes/a", "A"), ("/themes/b", "B")]


@pytest.mark.parametrize("pairs", [[("x/a", "x/b"), ("x/b", "x/a")], [("x/a", "x/a")]])
def test_a_cycle_in_the_thesaurus_does_not_lose_themes(pairs):
    themes = {"x/a": {"label": "A", "n": 0, "forces": 0}, "x/b": {"label": "B", "n": 0, "forces": 0}}
    tree = theme_tree(themes, pairs)

    def walk(nodes):
        for n in nodes:
            yield n.label
            yield from walk(n.children)
    assert sorted(walk(tree)) == ["A", "B"]
