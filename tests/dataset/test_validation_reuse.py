"""Validation of an incremental build (validate/reuse.py): the Core shapes checked only around the
changed quads, the previous results kept elsewhere, give the results of checking everything."""
import pyoxigraph as ox
import pytest

from graph_builder.iris import DEFAULT_BASE
from graph_builder.validate import reuse
from graph_builder.validate.run import core_results
from graph_builder.validate.sparql_constraints import split_shapes
from graph_builder.validate.validation import shapes_graph

INSP = "https://w3id.org/hmic-kg/def/inspection/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@pytest.fixture(scope="module")
def core():
    return split_shapes(shapes_graph(DEFAULT_BASE), DEFAULT_BASE)[0]


@pytest.fixture
def store(built):
    s = ox.Store()
    s.bulk_load(path=str(built / "exports" / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    return s


def _keys(results):
    return sorted((r.shape, str(r.focus), r.component, r.value_key) for r in results)


def _change(store, tmp_path, remove=(), add=()):
    """Applies the change to `store` and writes it as the two N-Quads files a rebuild makes."""
    for q in remove:
        store.remove(q)
    store.extend(add)
    files = []
    for name, quads in (("removed.nq", remove), ("added.nq", add)):
        path = tmp_path / name
        path.write_bytes(ox.serialize(list(quads), format=ox.RdfFormat.N_QUADS) or b"")
        files.append(str(path))
    return files


def _one(store, s=None, p=None, o=None):
    return min(store.quads_for_pattern(s, p, o), key=str)


def test_a_removed_value_is_found_as_a_full_check_finds_it(store, core, tmp_path):
    # West Mercia 2018 PEEL, question 1 ("The force is good at protecting the public") loses its grade.
    judgement = ox.NamedNode("https://w3id.org/hmic-kg/data/judgement/peel-2018/west-mercia/effectiveness-q1")
    grade = _one(store, judgement, ox.NamedNode(INSP + "grade"))
    changed = _change(store, tmp_path, remove=[grade])
    full, _, _ = core_results(store, core)
    assert [(str(r.focus), r.component.rsplit("#", 1)[1]) for r in full] == [
        (judgement.value, "MinCountConstraintComponent")]
    incremental, _ = reuse.revalidate(store, core, [], changed)
    assert _keys(incremental) == _keys(full)


def test_a_value_losing_its_type_fails_the_class_of_the_nodes_pointing_at_it(store, core, tmp_path):
    # The grade "good" of the PEEL 2014 scale (West Mercia 2018, question 1) is no longer typed insp:Grade: every judgement graded good
    # fails its sh:class, though none of their own triples changed.
    good = ox.NamedNode("https://w3id.org/hmic-kg/def/grade-scale/peel-2014/good")
    typed = list(store.quads_for_pattern(good, RDF_TYPE, ox.NamedNode(INSP + "Grade")))
    assert typed
    changed = _change(store, tmp_path, remove=typed)
    full, _, _ = core_results(store, core)
    assert any(r.component.endswith("ClassConstraintComponent") for r in full)
    incremental, _ = reuse.revalidate(store, core, [], changed)
    assert _keys(incremental) == _keys(full)


def test_previous_results_are_kept_where_nothing_changed_and_dropped_where_fixed(store, core, tmp_path):
    judgement = ox.NamedNode("https://w3id.org/hmic-kg/data/judgement/peel-2018/west-mercia/effectiveness-q1")
    grade = _one(store, judgement, ox.NamedNode(INSP + "grade"))
    _change(store, tmp_path, remove=[grade])
    broken, compiled, _ = core_results(store, core)
    previous = reuse.dump(broken, compiled)
    assert len(previous) == 1
    # An unrelated change elsewhere: the judgement's result is carried over.
    label = _one(store, ox.NamedNode("https://w3id.org/hmic-kg/id/force/avon-and-somerset"),
                 ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"))
    moved = ox.Quad(label.subject, label.predicate, ox.Literal("Avon & Somerset", language="en"), label.graph_name)
    changed = _change(store, tmp_path, remove=[label], add=[moved])
    kept, _ = reuse.revalidate(store, core, previous, changed)
    assert _keys(kept) == _keys(core_results(store, core)[0]) == _keys(broken)
    # The grade back: the judgement is touched, and its old result goes.
    changed = _change(store, tmp_path, add=[grade])
    fixed, _ = reuse.revalidate(store, core, previous, changed)
    assert fixed == [] and core_results(store, core)[0] == []
