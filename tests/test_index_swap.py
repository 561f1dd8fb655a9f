"""A rebuild swaps the index in atomically: at no step of commit is there no readable index."""

from __future__ import annotations

import os
import shutil

import pytest

from ingest import IngestConfig, build_index, load_index, store
from ingest.store import REQUIRED_FILES, index_folder, read_manifest, remove_index


def build(corpus, index_dir, encoder, force=False):
    return build_index(IngestConfig(corpus_paths=(corpus,), index_dir=index_dir), force=force, progress=False,
                       encoder=encoder)


def readable(index_dir) -> bool:
    folder = index_folder(index_dir)
    return read_manifest(index_dir) is not None and all((folder / f).exists() for f in REQUIRED_FILES)


@pytest.fixture()
def checked_renames(monkeypatch):
    """Every rename and exchange of a commit, with a check that the index is readable after it."""
    steps = []

    def watch(rename):
        def renamed(a, b, *args):
            done = rename(a, b, *args)
            if watched:  # only once the test has built its first index
                steps.append((os.path.basename(a), os.path.basename(b), readable(watched[0])))
            return done
        return renamed

    watched = []
    monkeypatch.setattr(store.os, "replace", watch(os.replace))
    monkeypatch.setattr(store, "_exchange", watch(store._exchange))
    return watched, steps


def test_a_rebuild_never_leaves_a_moment_without_an_index(mini_corpus, tmp_path, encoder, checked_renames):
    index_dir = tmp_path / "index"
    build(mini_corpus, index_dir, encoder)
    watched, steps = checked_renames
    watched.append(index_dir)
    for _ in range(2):
        build(mini_corpus, index_dir, encoder, force=True)
    swaps = [s for s in steps if s[1] == "index"]
    assert len(swaps) == 2 and all(ok for _, _, ok in steps)
    assert index_dir.is_symlink() and len(load_index(index_dir).chunks) > 0
    # The current version and the one before it (for readers that resolved it just before the swap).
    versions = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".index.v"))
    assert len(versions) == 2 and os.readlink(index_dir) == versions[-1]


def test_an_index_from_before_versioning_loads_and_is_swapped_atomically(mini_corpus, tmp_path, encoder,
                                                                         checked_renames):
    built = tmp_path / "built"
    build(mini_corpus, built, encoder)
    legacy = tmp_path / "index"  # format 2 as older builds wrote it: a plain folder
    shutil.copytree(index_folder(built), legacy)
    chunks = len(load_index(legacy).chunks)
    assert not build(mini_corpus, legacy, encoder).rebuilt  # it is current as it is
    watched, steps = checked_renames
    watched.append(legacy)
    build(mini_corpus, legacy, encoder, force=True)
    assert steps and all(ok for _, _, ok in steps)
    assert legacy.is_symlink() and len(load_index(legacy).chunks) == chunks
    assert (tmp_path / ".index.v0" / "manifest.json").exists()  # the old folder is the previous version
    build(mini_corpus, legacy, encoder, force=True)
    assert not (tmp_path / ".index.v0").exists()
    remove_index(legacy)
    assert not legacy.exists() and not list(tmp_path.glob(".index.*"))
