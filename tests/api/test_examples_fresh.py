"""chainkg/api/examples.json is what the API answers on the demo data today (like docs/model.md)."""

from __future__ import annotations

import json

from chainkg.api import examples


def test_examples_file_is_current() -> None:
    stored = examples.GENERATED.read_text(encoding="utf-8")
    fresh = examples.dumps(examples.generate())
    assert json.loads(fresh), "the demo calls answered nothing"
    assert stored == fresh, "chainkg/api/examples.json is stale: run `python -m chainkg.api.examples`"


def test_every_demo_call_has_an_example() -> None:
    assert set(examples.stored()) == set(examples.DEMO_CALLS)
