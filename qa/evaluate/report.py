"""report.html: one self-contained page (inline CSS and SVG) a colleague can read at a glance."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from .definitions import DEFINITIONS
from .metrics import mean
from .plots import bars_svg, histogram_svg
from .scoring import QuestionResult

_CSS = """body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1a202c;max-width:1200px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #cbd5e0;padding:4px 8px;vertical-align:top;
text-align:left}th{background:#edf2f7}.num{text-align:right;font-variant-numeric:tabular-nums}
.fail{color:#c53030;font-weight:600}.ok{color:#2f855a}.small{font-size:12px;color:#4a5568}
ol{margin:0;padding-left:18px}details{margin:8px 0}code{background:#edf2f7;padding:0 3px}"""


def failure_reasons(result: QuestionResult) -> list[str]:
    """Why a question counts as a failure; empty when it did everything right."""
    m, case, answer = result.metrics, result.case, result.answer
    reasons = []
    if case.answerable and answer.abstained:
        reasons.append("abstained on an answerable question")
    if not case.answerable and not answer.abstained:
        reasons.append("answered an unanswerable question")
    recall = [v for key, v in m.items() if key.startswith("recall@")]
    if recall and max(recall) == 0:
        reasons.append("no relevant document in the top k")
    section = [v for key, v in m.items() if key.startswith("section_recall@")]
    if section and max(section) == 0:
        reasons.append("expected section not in the top k")
    if not answer.abstained and m.get("citation_recall") == 0:
        reasons.append("no citation from an expected source")
    if m["citations_verbatim"] < m["citations"]:
        reasons.append("citation text differs from the document")
    return reasons


def write_report(path: Path, summary: dict, results: Sequence[QuestionResult]) -> None:
    failures = [(r, failure_reasons(r)) for r in results]
    failures = [(r, why) for r, why in failures if why]
    body = [f"<h1>rxcite evaluation: {escape(Path(summary['testfile']).name)}</h1>",
            _settings(summary), _metrics_table(summary), _plots(summary, results), _reliability_table(summary),
            f"<h2>Failures ({len(failures)} of {len(results)})</h2>", _question_table(failures),
            _bad_rows(summary["bad_rows"]),
            f"<details><summary>All {len(results)} questions</summary>"
            f"{_question_table([(r, failure_reasons(r)) for r in results])}</details>",
            "<h2>Metric definitions</h2><dl>"
            + "".join(f"<dt><code>{escape(n)}</code></dt><dd>{escape(d)}</dd>" for n, d in DEFINITIONS) + "</dl>"]
    html = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>rxcite evaluation</title>"
            f"<style>{_CSS}</style></head><body>{''.join(body)}</body></html>\n")
    Path(path).write_text(html, encoding="utf-8")


def _reliability_table(summary: dict) -> str:
    """Confidence bins against the share of right answers (is the confidence calibrated?)."""
    rows = "".join(f"<tr><td>{escape(b['bin'])}</td><td class='num'>{b['questions']}</td>"
                   f"<td class='num'>{b['answerable']}</td><td class='num'>{_fmt(b['mean_confidence'])}</td>"
                   f"<td class='num'>{_fmt(b['share_right'])}</td><td class='num'>{b['answered']}</td></tr>"
                   for b in summary.get("reliability", ()))
    return ("<h2>Reliability</h2><p class='small'>Questions by confidence; share right = answerable and answered "
            "with the reference in the quote (or from an expected source).</p><table><tr><th>confidence</th>"
            "<th>questions</th><th>answerable</th><th>mean confidence</th><th>share right</th><th>answered</th></tr>"
            f"{rows}</table>")


def _settings(summary: dict) -> str:
    s, t, c = summary["settings"], summary["timings"], summary["counts"]
    manifest = s.get("manifest") or {}
    model = (manifest.get("fingerprint") or {}).get("model") or Path(str(manifest.get("model_path", ""))).parent.name
    warn = "<p class='fail'>Interrupted: partial results.</p>" if summary.get("interrupted") else ""
    return (f"{warn}<p class='small'>mode <b>{escape(s['mode'])}</b>, k={s['k']}, index <code>{escape(s['index_dir'])}"
            f"</code> (model {escape(model)}), abstain threshold "
            f"{s['abstain_threshold']}, qrels {escape(str(s['qrels']))}. {c['evaluated']} questions evaluated "
            f"({c['answerable']} answerable, {c['unanswerable']} unanswerable), {c['skipped']} bad rows skipped; "
            f"{t['questions_per_second']} questions/s, latency p50 {t['latency_ms_p50']} ms, "
            f"p95 {t['latency_ms_p95']} ms.</p>")


def _metrics_table(summary: dict) -> str:
    rows = "".join(f"<tr><td><code>{escape(name)}</code></td><td class='num'>{_fmt(v)}</td></tr>"
                   for name, v in summary["metrics"].items())
    a = summary["abstention"]
    rows += (f"<tr><td><code>best_threshold</code></td><td class='num'>{_fmt(a['best_threshold'])} "
             f"(accuracy {_fmt(a['best_threshold_accuracy'])})</td></tr>")
    return f"<h2>Summary</h2><table><tr><th>metric</th><th>value</th></tr>{rows}</table>"


def _plots(summary: dict, results: Sequence[QuestionResult]) -> str:
    a = summary["abstention"]
    markers = [(f"threshold {a['abstain_threshold']}", a["abstain_threshold"], "")]
    if a["best_threshold"] is not None:
        markers.append((f"best {a['best_threshold']:.3f}", a["best_threshold"], "5,4"))
    hist = histogram_svg([("answerable", [r.answer.confidence for r in results if r.case.answerable]),
                          ("unanswerable", [r.answer.confidence for r in results if not r.case.answerable])], markers)
    out = f"<h2>Confidence: answerable vs unanswerable</h2>{hist}"
    labels, series = section_recall_table(results, summary["settings"]["k"])
    if labels:
        out += "<h2>Section recall by expected section</h2>" + bars_svg(labels, series)
    return out


def section_recall_table(results: Sequence[QuestionResult], k: int) -> tuple[list[str], list]:
    """Mean section recall@1 and @k grouped by the expected section heading."""
    groups: dict[str, list[QuestionResult]] = {}
    for r in results:
        if f"section_recall@{k}" in r.metrics:
            for heading in {s.split("#", 1)[1] for s in r.case.sources if "#" in s}:
                groups.setdefault(heading, []).append(r)
    labels = sorted(groups, key=lambda h: (-len(groups[h]), h))[:40]
    series = [(f"section recall@{c}", [mean([r.metrics[f"section_recall@{c}"] for r in groups[h]]) for h in labels])
              for c in sorted({1, k})]
    return [f"{h} (n={len(groups[h])})" for h in labels], series


def _question_table(rows: Sequence[tuple[QuestionResult, list[str]]]) -> str:
    if not rows:
        return "<p class='ok'>None.</p>"
    head = ("<tr><th>id</th><th>question</th><th>why</th><th>answer: cited sentences (confidence)</th>"
            "<th>expected</th><th>top retrieved sections</th><th>scores</th></tr>")
    return f"<table>{head}{''.join(_question_row(r, why) for r, why in rows)}</table>"


_SHOWN = ("section_mrr@", "mrr@", "answer_f1", "answer_containment", "citation_precision")


def _question_row(r: QuestionResult, why: list[str]) -> str:
    a, c = r.answer, r.case
    if a.abstained:
        answer = f"<i>abstained</i> ({a.confidence:.3f})"
    else:
        answer = "<br>".join(f"[{x.n}] <span class='small'>{escape(x.doc_id)}#{escape(x.section)}</span><br>"
                             f"{escape(x.text)}" for x in a.citations) + f" ({a.confidence:.3f})"
    expected = ("<i>unanswerable</i>" if not c.answerable else "<br>".join(escape(s) for s in c.sources)) + (
        f"<br><i>{escape(c.answer)}</i>" if c.answer else "")
    scores = "<br>".join(f"{k} {v:.2f}" for k, v in r.metrics.items()
                         if isinstance(v, float) and k.startswith(_SHOWN))
    status = "<span class='fail'>" + "<br>".join(why) + "</span>" if why else "<span class='ok'>ok</span>"
    top = "".join(f"<li>{escape(s)}</li>" for s in r.ranked_sections[:3])
    return (f"<tr><td>{escape(c.id)}</td><td>{escape(c.question)}</td><td>{status}</td><td>{answer}</td>"
            f"<td>{expected}</td><td class='small'><ol>{top}</ol></td><td class='small'>{scores}</td></tr>")


def _bad_rows(bad: Sequence[str]) -> str:
    if not bad:
        return ""
    return f"<h2>Bad rows skipped ({len(bad)})</h2><ul>" + "".join(f"<li>{escape(b)}</li>" for b in bad) + "</ul>"


def _fmt(v) -> str:
    return "n/a" if v is None else f"{v:.3f}" if isinstance(v, float) else escape(str(v))
