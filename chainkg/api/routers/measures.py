"""The policy's own measures: the §2 targets, the policy objects of a base, indicator history."""

# No "from __future__ import annotations": FastAPI reads the routes' parameter types at runtime.
from typing import Annotated

from fastapi import Query, Response

from chainkg.api.output import AnswerDep
from chainkg.api.routing import QuestionRouter
from chainkg.queries.indicators import BaseIndicators, indicator_history
from chainkg.queries.policy import PolicyProfile, policy_profile
from chainkg.queries.targets import BaseTargets, base_targets

router = QuestionRouter("analytics")

Base = Annotated[str, Query(min_length=1, max_length=200, description="Key of the base / 基地主键")]
Year = Annotated[int | None, Query(ge=1949, le=2100, description="As of this year / 年份")]


@router.answer(
    "/targets",
    "base_targets",
    response_model=BaseTargets,
    summary="§2 targets of a base / 基地§2目标",
    description=(
        "The three targets of 商产发[2007]509号 §2 for a base in a year: 2a leading-industry output ≥ 30 % of the "
        "national industry (per base), 2b 1,000 export enterprises with own IP and brand (the base's contribution "
        "and the all-bases total), 2c high-tech exports with own IP ≥ 30 % of national high-tech exports (the base's "
        "share and the all-bases share). Each has its threshold, value, status (met / not met / n/a), the inputs "
        "used and, when n/a, the missing input named. `year` defaults to the base's latest year with figures. "
        "`format=csv` gives the targets as rows."
    ),
)
def targets(ans: AnswerDep, base: Base, year: Year = None) -> Response:
    """The §2 targets (see the description)."""
    return ans.send(lambda: base_targets(ans.store, base, year), table=lambda r: r.targets, name="targets")


@router.answer(
    "/policy",
    "policy_profile",
    response_model=PolicyProfile,
    summary="Policy objects of a base / 基地政策对象",
    description=(
        "As of `year` (default this year): standards drafted by the base's enterprises, universities and their "
        "alliances (§4(二)); international patents by jurisdiction and certifications held (§6(二)); foreign R&D "
        "centres and foreign-invested enterprises (§3(四)); financing of the year — funds, loans, IP pledges, export "
        "credit insurance (§5); key enterprises with their contact and role, and those without a contact (§7)."
    ),
    csv=False,
)
def policy(ans: AnswerDep, base: Base, year: Year = None) -> Response:
    """The policy objects (see the description)."""
    return ans.send(lambda: policy_profile(ans.store, base, year), name="policy")


@router.answer(
    "/indicator-history",
    "indicator_history",
    response_model=list[BaseIndicators],
    summary="Indicators of a base by year / 基地指标历年",
    description=(
        "One snapshot of the base's indicators per year, from its approval year (never earlier) to its last dated "
        "fact; each year counts the enterprises, ties and figures of that year (see docs/indicators.md)."
    ),
)
def history(ans: AnswerDep, base: Base) -> Response:
    """The indicator history (see the description)."""
    return ans.send(lambda: indicator_history(ans.store, base), name="indicator-history")
