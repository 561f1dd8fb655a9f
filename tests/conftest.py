"""Shared fixtures: the real product encoder (bundled MiniLM + shipped delta), real indexes
built in temporary folders."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"
DEV_SET = SHARED / "eval" / "lenalidomide-dev.jsonl"
MEDQUAD = SHARED / "benchmarks" / "medquad-cancergov"
SEED = SHARED / "seed" / "lenalidomide-monograph.txt"


@pytest.fixture(scope="session")
def encoder():
    from ingest.config import product_model_path
    from ingest.embedding import Encoder

    return Encoder(product_model_path())


@pytest.fixture(scope="session")
def lenalidomide_index(tmp_path_factory, encoder) -> Path:
    """A real index of the bundled corpus/ folder."""
    from ingest import IngestConfig, build_index

    index_dir = tmp_path_factory.mktemp("lenalidomide") / "index"
    build_index(IngestConfig(corpus_paths=(ROOT / "corpus",), index_dir=index_dir), progress=False, encoder=encoder)
    return index_dir


@pytest.fixture(scope="session")
def pipeline(lenalidomide_index, encoder):
    from qa import QAConfig, load_pipeline

    return load_pipeline(QAConfig(index_dir=lenalidomide_index), encoder=encoder)


@pytest.fixture(scope="session")
def conversation_pipeline(tmp_path_factory, encoder):
    """A real index of tests/data/conversation: three monograph-like labels (atorvastatin/Lipitor,
    amoxicillin/Amoxil, sertraline/Zoloft) that all have dosing, pediatric, missed-dose,
    interaction and pregnancy sections (two mention grapefruit)."""
    from ingest import IngestConfig, build_index
    from qa import QAConfig, load_pipeline

    index_dir = tmp_path_factory.mktemp("conversation") / "index"
    build_index(IngestConfig(corpus_paths=(DATA / "conversation",), index_dir=index_dir), progress=False,
                encoder=encoder)
    return load_pipeline(QAConfig(index_dir=index_dir), encoder=encoder)


@pytest.fixture()
def mini_corpus(tmp_path) -> Path:
    """A writable copy of tests/data/mini (one empty file, one CRLF, one not UTF-8)."""
    target = tmp_path / "corpus"
    shutil.copytree(DATA / "mini", target)
    return target


@pytest.fixture(scope="session")
def serve_web_app(tmp_path_factory):
    """A function serving the web chat for a pipeline on a free local port (own feedback.db)."""
    import socket
    from types import SimpleNamespace

    from web.feedback import FeedbackStore
    from web.page import serve

    demos = []

    def start(pipeline, auth=None):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        store = FeedbackStore(tmp_path_factory.mktemp("web") / "feedback.db")
        demo, url = serve(pipeline, store, "127.0.0.1", port, auth)
        demos.append(demo)
        return SimpleNamespace(url=url, store=store, pipeline=pipeline)

    yield start
    for demo in demos:
        demo.close()


@pytest.fixture(scope="session")
def web_app(serve_web_app, pipeline):
    """The web chat over the real lenalidomide index."""
    return serve_web_app(pipeline)


@pytest.fixture(scope="session")
def mini_library(tmp_path_factory, encoder):
    """A pipeline over tests/data/mini (warfarin, metoprolol, atorvastatin) plus the lenalidomide monograph."""
    from ingest import IngestConfig, build_index
    from qa import QAConfig, load_pipeline

    root = tmp_path_factory.mktemp("library")
    corpus = root / "corpus"
    shutil.copytree(DATA / "mini", corpus)
    shutil.copy(ROOT / "corpus" / "lenalidomide.txt", corpus)
    shutil.copy(ROOT / "corpus" / "lenalidomide.meta.json", corpus)
    build_index(IngestConfig(corpus_paths=(corpus,), index_dir=root / "index"), progress=False, encoder=encoder)
    return load_pipeline(QAConfig(index_dir=root / "index"), encoder=encoder)
