"""Benchmark rows -> a Markdown report: absolute figures and the ratio to the baseline."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Row:
    measure: str
    system: str
    value: float | None
    baseline: float | None
    unit: str
    lower_is_better: bool = True

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    @property
    def gain(self) -> str:
        """How much better than the baseline, in words a reader can check: 0.25x latency = 4.0x faster."""
        if self.ratio is None or self.ratio == 0:
            return ""
        better = 1 / self.ratio if self.lower_is_better else self.ratio
        return f"{better:.1f}x better" if better >= 1 else f"{1 / better:.1f}x worse"


def _num(x: float | None, unit: str) -> str:
    if x is None:
        return "n/a"
    digits = 0 if abs(x) >= 100 else 1 if abs(x) >= 10 else 2
    return f"{x:,.{digits}f} {unit}"


def rows_table(rows: list[Row]) -> str:
    lines = ["| measure | system | value | naive baseline | ratio to baseline | |",
             "| --- | --- | ---: | ---: | ---: | --- |"]
    for r in rows:
        ratio = "n/a" if r.ratio is None else f"{r.ratio:.2f}"
        lines.append(f"| {r.measure} | {r.system} | {_num(r.value, r.unit)} | {_num(r.baseline, r.unit)} "
                     f"| {ratio} | {r.gain} |")
    return "\n".join(lines)


def quality_table(title: str, quality: dict[str, dict]) -> str:
    columns = ["hit@1", "mrr@10", "same_top1", "same_top10", "same_abstain", "same_citations"]
    lines = [f"| {title} | " + " | ".join(columns) + " |", "| --- |" + " ---: |" * len(columns)]
    for system, row in quality.items():
        cells = [f"{row[c]:.3f}" if c in row else "" for c in columns]
        lines.append(f"| {system} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def encoder_table(rates: dict[str, dict]) -> str:
    lines = ["| encoder | one question p50 (1 thread) | batch q/s, 1 thread | batch q/s, 2 threads |",
             "| --- | ---: | ---: | ---: |"]
    for backend, row in rates.items():
        lines.append(f"| {backend} | {row['one_p50_ms']:.2f} ms | {row['batch_qps_1t']:.0f} "
                     f"| {row['batch_qps_2t']:.0f} |")
    return "\n".join(lines)


def machine_text(machine: dict) -> str:
    versions = ", ".join(f"{k} {v}" for k, v in machine["versions"].items())
    return (f"- CPU: {machine['cpu']}, {machine['cores']} cores; RAM {machine['ram_gb']} GB\n"
            f"- {machine['os']}, Python {machine['python']}\n"
            f"- {versions}\n"
            f"- load average (1/5/15 min) at start: {machine['load_average']}, "
            f"at end: {machine.get('load_average_end', 'n/a')}")
