"""The registry of validation rules: every rule has a stable code, a name, a severity and an explanation.

Reads and writes nothing. The modules that make problems (yamlsafe, load and the checks/
package) declare their rules here once, at import time, with ``rule(...)``; ``frontline rules``
and the generated rules page list them from ``RULES``. Codes are never reused: a code that is
no longer made is listed in ``RETIRED`` and cannot be registered again.

Code ranges:

- FC0xx files and YAML (the strict reader and the loader)
- FC1xx schema (fields, types, allowed values, forms)
- FC2xx record ids
- FC3xx references between records
- FC4xx sources, archived texts, quotes and coverage
- FC5xx dates
- FC6xx figures
- FC7xx claims and their relations
- FC8xx text hygiene and numbers
- FC9xx places, countries and regions
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SEVERITIES = ("error", "warning")
CODE = re.compile(r"^FC[0-9]{3}$")
NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

# Codes that were used once and must never be given to another rule: code -> what it was.
RETIRED: dict[str, str] = {}


@dataclass(frozen=True)
class Rule:
    code: str  # FC301
    name: str  # unknown-reference
    severity: str  # error or warning
    summary: str  # one line: what the rule asks for
    explanation: str = ""  # why, and how to fix it
    bad: str = ""  # a YAML snippet that breaks the rule
    good: str = ""  # the same snippet fixed

    @property
    def anchor(self) -> str:
        """The rule's anchor on the rules page (rules/#fc301)."""
        return self.code.lower()


RULES: dict[str, Rule] = {}


def rule(code: str, name: str, severity: str, summary: str, explanation: str = "", bad: str = "", good: str = "") -> Rule:
    """Register a rule once; a second registration of a code or name, a retired code or a malformed entry is a programming error."""
    if not CODE.match(code):
        raise ValueError(f"rule code {code!r} must look like FC123")
    if code in RETIRED:
        raise ValueError(f"rule code {code} is retired ({RETIRED[code]}); codes are never reused")
    if code in RULES:
        raise ValueError(f"rule code {code} is registered twice ({RULES[code].name} and {name})")
    if not NAME.match(name) or any(r.name == name for r in RULES.values()):
        raise ValueError(f"rule name {name!r} must be kebab-case and unique")
    if severity not in SEVERITIES:
        raise ValueError(f"rule {code}: severity must be one of {SEVERITIES}")
    if not summary or "\n" in summary:
        raise ValueError(f"rule {code}: the summary is one line")
    registered = Rule(code, name, severity, summary, explanation, bad, good)
    RULES[code] = registered
    return registered


def sorted_rules() -> list[Rule]:
    return [RULES[code] for code in sorted(RULES)]


def explain(found: Rule) -> str:
    """A rule as plain text for the terminal: code, name, severity, summary, explanation and examples."""
    lines = [f"{found.code} {found.name} ({found.severity})", "", found.summary]
    if found.explanation:
        lines += ["", found.explanation]
    if found.bad:
        lines += ["", "Wrong:", *("    " + line for line in found.bad.splitlines())]
    if found.good:
        lines += ["", "Right:", *("    " + line for line in found.good.splitlines())]
    return "\n".join(lines)


def markdown(rules: list[Rule]) -> str:
    """The rules page: every rule under its own heading (anchor #fc301), grouped by code range."""
    groups = {
        "0": "Files and YAML",
        "1": "Schema",
        "2": "Record ids",
        "3": "References",
        "4": "Sources, quotes and coverage",
        "5": "Dates",
        "6": "Figures",
        "7": "Claims",
        "8": "Text and numbers",
        "9": "Places, countries and regions",
    }
    lines = [
        "Every problem that `frontline validate` reports carries the code of the rule it breaks, for example "
        "`dataset/claims/x.yaml:2:11: error[FC301]: ...`. Errors stop a build; warnings never do. "
        "`frontline rules CODE` prints the same explanation in the terminal. Codes are never reused.",
        "",
    ]
    current = None
    for found in rules:
        group = found.code[2]
        if group != current:
            current = group
            lines += [f"## {groups.get(group, 'Other')}", ""]
        lines += [f"### {found.code} {found.name} {{#{found.anchor}}}", "", f"**{found.severity}**: {found.summary}.", ""]
        if found.explanation:
            lines += [found.explanation, ""]
        for title, snippet in (("Wrong", found.bad), ("Right", found.good)):
            if snippet:
                lines += [f"{title}:", "", "```yaml", snippet, "```", ""]
    return "\n".join(lines)
