"""openFDA drug-label records (JSON) -> labelled Documents.

A record holds each label section as a field with a list of strings
(`indications_and_usage`, `boxed_warning`, ...), plus `set_id`, `version`,
`effective_time` and an `openfda` block of names. openFDA repeats text: a parent field
holds its subsections, which appear again as their own fields (`pregnancy` inside
`use_in_specific_populations`, `spl_unclassified` copies of numbered subsections), so a
string already present in the text is left out. Numbered lines ("2.1 Crohn's Disease")
open subsections, as they do in the printed label.
"""

from __future__ import annotations

import re

from .loinc import field_codes, section_code, section_names
from .records import Section
from .spl import LabelInfo, LabelText, collapse, drop_boilerplate, label_title

# Fields that are not label prose, or that hold HTML copies of tables already in the text.
SKIPPED_FIELDS = frozenset({"spl_product_data_elements", "package_label_principal_display_panel",
                            "spl_indexing_data_elements", "recent_major_changes"})
# openFDA's older field name for "Warnings and Precautions" (LOINC 43685-7).
FIELD_ALIASES = {"warnings_and_precautions": "43685-7"}
META_FIELDS = frozenset({"id", "set_id", "version", "effective_time", "openfda"})
_NUMBERED_HEADING = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\s+[A-Z][A-Za-z]")  # "2.1 Crohn's", not "15 kg"
MAX_HEADING_WORDS = 14


def text_fields(record: dict) -> list[tuple[str, list[str]]]:
    """(field, strings) of the record's label-text fields, in record order."""
    out = []
    for key, value in record.items():
        if key in META_FIELDS or key in SKIPPED_FIELDS or key.endswith("_table"):
            continue
        # openFDA text fields are lists of strings named in lower snake case
        if (re.fullmatch(r"[a-z][a-z0-9_]*", key) and isinstance(value, list) and value
                and all(isinstance(s, str) for s in value) and any(s.strip() for s in value)):
            out.append((key, value))
    return out


def field_code(field: str) -> str:
    return FIELD_ALIASES.get(field) or field_codes().get(field, "")


def _is_heading(line: str) -> bool:
    return (len(line.split()) <= MAX_HEADING_WORDS and not line.endswith((".", ":", ";", ","))
            and any(ch.isalpha() for ch in line))


def read_record(record: dict) -> tuple[str, tuple[Section, ...], LabelInfo]:
    """(extracted text, sections, metadata) of one openFDA label record.
    Raises ValueError when it has no label text."""
    if not isinstance(record, dict):
        raise ValueError("a label record must be a JSON object")
    fields = text_fields(record)
    if not fields:
        raise ValueError("the record has no label text fields (indications_and_usage, ...)")
    info = record_info(record)
    label = LabelText()
    label.add(info.title)
    norms = [(i, collapse(string)) for i, (_, strings) in enumerate(fields) for string in strings]
    seen = ""  # normalized text so far
    for i, (field, strings) in enumerate(fields):
        code = field_code(field)
        for string in strings:
            norm = collapse(string)
            # openFDA repeats subsections as fields of their own, before or after their parent
            if not norm or norm in seen or any(j != i and len(other) > len(norm) and norm in other
                                               for j, other in norms):
                continue
            seen += " " + norm
            lines = [collapse(ln) for ln in string.splitlines()]
            lines = drop_boilerplate([ln for ln in lines if ln])
            if not lines:
                continue
            # a field of one line is text ("Purpose First aid Antiseptic"), never a bare heading
            if len(lines) > 1 and _is_heading(lines[0]):
                label.heading(lines[0], code)
                lines = lines[1:]
            else:
                label.heading(section_names().get(code, field.replace("_", " ").title()), code)
            for line in lines:
                if _NUMBERED_HEADING.match(line) and _is_heading(line):
                    # "8.1 Pregnancy" is coded by its own name, as SPL codes it; else the field's code
                    title = re.sub(r"^[\d.]+\s+", "", line)
                    label.heading(line, section_code(title, "sub") or code)
                else:
                    label.add(line)
    if not label.sections:
        raise ValueError("the record's text fields are all empty or repeated")
    text = label.text()
    sections = tuple(Section(title, body, label.sections[i + 1][0] if i + 1 < len(label.sections) else len(text),
                             None, code) for i, (_, body, title, code) in enumerate(label.sections))
    return text, sections, info


def record_info(record: dict) -> LabelInfo:
    names = record.get("openfda") if isinstance(record.get("openfda"), dict) else {}

    def strings(key: str) -> list[str]:
        value = names.get(key) or []
        return [collapse(v) for v in ([value] if isinstance(value, str) else value) if isinstance(v, str) and v.strip()]

    brands, generics = strings("brand_name"), strings("generic_name")
    effective = str(record.get("effective_time") or "")
    date = f"{effective[:4]}-{effective[4:6]}-{effective[6:8]}" if re.fullmatch(r"\d{8}.*", effective) else ""
    labeler = (strings("manufacturer_name") or [""])[0]
    return LabelInfo(title=label_title("", brands, generics), set_id=str(record.get("set_id") or ""),
                     version=str(record.get("version") or ""), date=date, brand_names=tuple(brands),
                     generic_names=tuple(generics), labeler=labeler)


def is_label_record(row: dict) -> bool:
    """A JSON object that looks like an openFDA label record rather than an {id, text} row."""
    return isinstance(row, dict) and "text" not in row and ("openfda" in row or bool(text_fields(row)))
