"""A report text of any size the reader accepts is built, stored and exported whole.

Regression: a report over 16 MiB failed with "writing the exports failed: BrokenPipeError": the
store loader's file reader holds at most 16 MiB of one line, and the text is one literal."""
import shutil

import pyoxigraph as ox

from graph_builder.pipeline.build import build_dataset
from tests.conftest import CORPUS

PARA = ("The force continues to develop its approach to neighbourhood policing across every "
        "division, and partners report improved joint working. ")


def test_an_18_mib_report_is_built_and_its_text_stored_whole(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    name = "west-mercia-2007-inspection.txt"
    text = (CORPUS / name).read_text(encoding="utf-8") + ("\n\n" + PARA * 8) * 17000
    assert len(text.encode()) > 17 * 2**20
    (corpus / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    build_dataset(corpus, out)
    store = ox.Store.read_only(str(out / "store"))
    lengths = [int(s["n"].value) for s in store.query(
        "SELECT (STRLEN(?t) AS ?n) WHERE { ?r <https://w3id.org/hmic-kg/def/inspection/content> ?t }",
        use_default_graph_as_union=True)]
    assert lengths == [len(text)]
    del store
    assert (out / "exports" / "dataset.nq").stat().st_size > len(text)
    shutil.rmtree(out.resolve())


def test_a_graph_dump_line_longer_than_any_write_is_joined_once(tmp_path):
    import io

    from graph_builder.pipeline.staging import _InGraph
    sink = io.BytesIO()
    w = _InGraph(sink, ox.NamedNode("http://g"))
    line = b'<http://s> <http://p> "' + b"x" * (20 * 2**20) + b'" .\n'
    for i in range(0, len(line), 8192):
        w.write(line[i:i + 8192])
    assert w.tail == b""
    assert sink.getvalue() == line[:-3] + b" <http://g> .\n"
