"""Segment-level answers on chain maps (产业链图谱): a base's status in every segment of a map.

A map's segments and their members (``IN_SEGMENT``, derived after every load by
:mod:`chainkg.ingest.membership`) are read with a handful of named queries per map; the
statuses come from :func:`chainkg.graph.analytics.segments.segment_status`:

- **covered** (已覆盖): two or more of the base's firms are in the segment;
- **weak** (薄弱): exactly one;
- **gap** (缺口): none, while firms elsewhere make the segment's products — a 招商 target;
- **no_supplier** (无已知供应商): nobody in the data is in the segment — an R&D target, listed
  apart from the gaps.

The same reading answers what-if (segments losing their only firm), fill candidates for a
segment, complementarity of two bases and an alliance's coverage, each per segment, and the
per-map match report a reviewer uses to check a map against the data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pydantic import Field

from chainkg.errors import InvalidInputError, NotFoundError
from chainkg.graph.analytics.segments import (
    SEGMENT_STATUS_ZH,
    SegmentStatus,
    complement_segments,
    segment_status,
    sole_firm_losses,
)
from chainkg.graph.store import GraphStore
from chainkg.graph.store.named import NamedQuery, q
from chainkg.i18n import translations
from chainkg.queries.chainengine.chain import BaseRef, EnterpriseRef, get_base, present_in
from chainkg.queries.results import Record

MAKERS_SHOWN = 5
"""Makers nationwide named per segment in the overview (all are counted)."""
PRODUCTS_SHOWN = 8
"""Products named per segment in the overview (all are counted)."""

# -- named queries ------------------------------------------------------------------------------

MAPS: NamedQuery = q(
    "segments.maps",
    """
MATCH (m:ChainMap)
RETURN m.key AS key, m.name AS name, m.name_en AS name_en, m.version AS version, m.description AS description,
       m.references AS refs, m.serves_industries AS serves, m.source AS source
ORDER BY key""",
    "Every chain map.",
)
ONE_MAP: NamedQuery = q(
    "segments.one_map",
    """
MATCH (m:ChainMap {key: $map})
OPTIONAL MATCH (s:ChainSegment) WHERE s.map = m.key
RETURN m.key AS key, m.name AS name, m.name_en AS name_en, m.version AS version, m.description AS description,
       m.references AS refs, m.serves_industries AS serves, m.source AS source, count(s) AS segments,
       count(DISTINCT s.stage) AS stages""",
    "One chain map with its segment and stage counts. Params: map.",
)
MAP_COUNTS: NamedQuery = q(
    "segments.map_counts",
    "MATCH (s:ChainSegment) RETURN s.map AS map, count(s) AS segments, count(DISTINCT s.stage) AS stages",
    "Segments and stages per map.",
)
MAP_SEGMENTS: NamedQuery = q(
    "segments.map_segments",
    """
MATCH (s:ChainSegment)
RETURN s.map AS map, s.key AS key, s.name AS name, s.name_en AS name_en, s.description AS description, s.stage AS stage,
       s.parent AS parent, s.position AS position, s.match_products AS products, s.match_keywords AS keywords,
       s.match_exclude AS exclude, s.match_taxonomy AS taxonomy, s.match_industries AS industries,
       s.match_gb4754 AS gb4754, s.match_enterprises AS enterprises, s.unmatched_note AS unmatched_note
ORDER BY map, position""",
    "Every map's segments, each map's in its order.",
)
MAP_STAGES: NamedQuery = q(
    "segments.map_stages",
    "MATCH (s:ChainStage) RETURN s.map AS map, s.key AS key, s.name AS name, "
    "s.name_en AS name_en, s.position AS position ORDER BY map, position",
    "Every map's stages, each map's upstream first.",
)
MAP_FEEDS: NamedQuery = q(
    "segments.map_feeds",
    "MATCH (a:ChainSegment)-[:FEEDS]->(b:ChainSegment) RETURN a.key AS src, b.key AS dst",
    "The maps' own flow: which segment feeds which.",
)
SEGMENT_FIRMS: NamedQuery = q(
    "segments.firms",
    """
MATCH (e:Enterprise)-[r:IN_SEGMENT]->(s:ChainSegment)
RETURN collect(s.key) AS seg, collect(e.key) AS key, collect([coalesce(e.name, e.key), e.province, e.city]) AS info,
       collect([e.revenue_musd]) AS revenue, collect([r.rule, r.via]) AS evidence, collect([r.weight]) AS weight""",
    "Every enterprise in a segment of a map, nationwide, with the evidence, as parallel lists in one row "
    "(nullable values inside one-element lists: Neo4j's collect() drops nulls).",
)
SEGMENT_PRODUCTS: NamedQuery = q(
    "segments.products",
    """
MATCH (p:Product)-[r:IN_SEGMENT]->(s:ChainSegment)
RETURN collect(s.key) AS seg, collect(p.key) AS key, collect(r.rule) AS rule""",
    "Every product in a segment of a map, with the rule that matched, as parallel lists in one row.",
)
BASE_SEGMENT_FIRMS: NamedQuery = q(
    "segments.base_firms",
    """
MATCH (b:Base {key: $base})<-[:LOCATED_IN]-(e:Enterprise)-[:IN_SEGMENT]->(s:ChainSegment) WHERE s.map IN $maps
RETURN s.key AS seg, e.key AS key""",
    "The base's enterprises in each segment of the maps. Params: base, maps.",
)
ALLIANCE_SEGMENT_FIRMS: NamedQuery = q(
    "segments.alliance_firms",
    """
MATCH (a:Alliance {key: $alliance})<-[:MEMBER_OF]-(e:Enterprise)-[:IN_SEGMENT]->(s:ChainSegment)
WHERE s.map IN $maps
RETURN s.key AS seg, e.key AS key""",
    "An alliance's member enterprises in each segment of the maps. Params: alliance, maps.",
)
ALLIANCE: NamedQuery = q(
    "segments.alliance",
    "MATCH (a:Alliance {key: $alliance}) RETURN a.key AS key, a.name AS name",
    "One alliance. Params: alliance.",
)
BASE_MAPS: NamedQuery = q(
    "segments.base_maps",
    "MATCH (b:Base {key: $base})-[:USES_MAP]->(m:ChainMap) RETURN m.key AS key",
    "The maps a base names itself. Params: base.",
)
BASE_LEADING_UP: NamedQuery = q(
    "segments.base_leading",
    """
MATCH (b:Base {key: $base})-[:LEADS_IN]->(i:Industry)
OPTIONAL MATCH (i)-[:SUB_INDUSTRY_OF*1..3]->(p:Industry)
RETURN i.key AS key, i.name AS name, collect(p.key) AS parents""",
    "The base's leading industries and the industries above them. Params: base.",
)
BASE_INDUSTRY_FIRMS: NamedQuery = q(
    "segments.base_industry_firms",
    """
MATCH (b:Base {key: $base})<-[:LOCATED_IN]-(e:Enterprise)-[:IN_INDUSTRY]->(i:Industry)
RETURN i.key AS key, count(DISTINCT e) AS firms""",
    "How many of the base's enterprises are in each industry. Params: base.",
)

# -- records ------------------------------------------------------------------------------------


class MapSummary(Record):
    """A chain map with its size."""

    key: str
    name: str
    name_en: str | None = None
    version: str | None = None
    description: str | None = None
    stages: int = 0
    segments: int = 0
    references: list[str] = Field(default_factory=list)
    serves_industries: list[str] = Field(default_factory=list)
    source: str | None = None


class StageRef(Record):
    """A stage of a map."""

    key: str
    name: str
    name_en: str | None = None
    position: int


class SegmentFirm(Record):
    """An enterprise in a segment, with the rule and evidence that put it there."""

    key: str
    name: str
    province: str | None = None
    city: str | None = None
    rule: str
    via: str
    weight: int = 1
    revenue_musd: float | None = None


class SegmentAnswer(Record):
    """A base's status in one segment of a map, with the firms and products behind it.

    ``base_firms`` are the base's enterprises in the segment; ``makers`` the enterprises
    nationwide (the base's included), most relevant first (most of the segment's products
    made, then revenue), at most a few in the overview — ``makers_count`` counts them all.
    """

    map: str
    key: str
    segment: str
    name: str
    name_en: str | None = None
    description: str | None = None
    stage: str
    stage_name: str
    parent: str | None = None
    children: list[str] = Field(default_factory=list)
    feeds: list[str] = Field(default_factory=list)
    status: SegmentStatus
    status_zh: str
    base_firms: list[SegmentFirm]
    base_count: int
    makers: list[SegmentFirm]
    makers_count: int
    products: list[str]
    products_count: int
    why: str
    why_zh: str


class MapChoiceReason(Record):
    """Why a base gets a map without asking: it names the map, or leads in an industry it serves.

    ``industries`` are the base's leading industries the map serves (itself or an industry
    above it), each as ``(key, name, the base's firms in it)``.
    """

    map: str
    named: bool = False
    industries: list[tuple[str, str, int]] = Field(default_factory=list)
    why: str
    why_zh: str


class MapGaps(Record):
    """A base's segments on one map, in the map's order, with a count per status.

    ``reason`` says why the map was chosen when the base did not ask for it.
    """

    map: MapSummary
    stages: list[StageRef]
    counts: dict[str, int]
    segments: list[SegmentAnswer]
    rd_targets: list[str] = Field(default_factory=list)
    reason: MapChoiceReason | None = None


class SegmentGapsResult(Record):
    """Segment answers for a base on one or more maps.

    ``default_maps`` is True when the maps were not asked for but chosen from the base's
    leading industries (or the maps it names itself).
    """

    base: BaseRef
    maps: list[MapGaps]
    default_maps: bool = False


class SegmentLoss(Record):
    """A segment whose only firms of the base are among those removed."""

    map: str
    key: str
    name: str
    stage_name: str
    lost: list[EnterpriseRef]
    makers_count: int
    status_after: SegmentStatus


class SegmentWhatIf(Record):
    """What removing enterprises does to a base's segments: segments lost, segments made weak."""

    base: BaseRef
    map: str
    removed: list[EnterpriseRef]
    lost: list[SegmentLoss]
    weakened: list[SegmentLoss]
    before: dict[str, int]
    after: dict[str, int]


class SegmentCandidate(SegmentFirm):
    """A firm outside the base in a segment: a candidate to fill it (招商), and why."""

    why: str
    why_zh: str


class SegmentPair(Record):
    """One segment in a comparison of two bases: how many firms each has there."""

    key: str
    name: str
    stage_name: str
    a_firms: list[EnterpriseRef]
    b_firms: list[EnterpriseRef]


class SegmentComplement(Record):
    """Two bases side by side on one map: where each fills the other's gaps."""

    a: BaseRef
    b: BaseRef
    map: str
    a_fills_b: list[SegmentPair]
    b_fills_a: list[SegmentPair]
    both: list[SegmentPair]
    neither: list[SegmentPair]


class AllianceSegment(Record):
    """An alliance's member firms in one segment."""

    key: str
    name: str
    stage_name: str
    parent: str | None = None
    status: SegmentStatus
    status_zh: str
    members: list[EnterpriseRef]
    makers_count: int


class AllianceSegments(Record):
    """Which segments of a map an alliance's members cover."""

    alliance: EnterpriseRef
    map: str
    counts: dict[str, int]
    segments: list[AllianceSegment]


class SegmentReport(Record):
    """How one segment of a map matches the data (for reviewing the map)."""

    key: str
    name: str
    stage_name: str
    parent: str | None = None
    rules: dict[str, list[str]]
    products_count: int
    products: list[str]
    product_rules: dict[str, int]
    enterprises_count: int
    enterprises: list[SegmentFirm]
    defect: bool
    unmatched_note: str | None = None


class MapReport(Record):
    """The per-segment match report of one map.

    ``defects`` lists the segments matching nothing (no product, no enterprise); ``explained``
    those of them whose map file says why (``unmatched_note``), ``unexplained`` the others.
    """

    map: MapSummary
    segments: list[SegmentReport]
    defects: list[str]
    explained: list[str] = Field(default_factory=list)
    unexplained: list[str] = Field(default_factory=list)


# -- reading a map ------------------------------------------------------------------------------

_RULES = ("products", "keywords", "exclude", "taxonomy", "industries", "gb4754", "enterprises")


class Firm(NamedTuple):
    """An enterprise in a segment as read; a plain tuple, since a question reads thousands and
    shows a few (building a record for each cost more than all the queries of the question)."""

    key: str
    name: str
    province: str | None
    city: str | None
    rule: str
    via: str
    weight: int
    revenue_musd: float | None

    def record(self) -> SegmentFirm:
        """The typed record of this firm."""
        return SegmentFirm(**self._asdict())


def _records(firms: Sequence[Firm]) -> list[SegmentFirm]:
    return [f.record() for f in firms]


@dataclass
class MapData:
    """One map as read from the store: segments, stages, flow and members nationwide."""

    summary: MapSummary
    stages: list[StageRef]
    segments: list[dict[str, object]]
    feeds: dict[str, list[str]]
    firms: dict[str, list[Firm]]
    products: dict[str, list[tuple[str, str]]]
    children: dict[str, list[str]] = field(default_factory=dict)

    def stage_name(self, key: str) -> str:
        """Display name of a stage key."""
        return next((s.name for s in self.stages if s.key == key), key)

    def head(self, s: Mapping[str, object]) -> dict[str, Any]:
        """The fields every per-segment answer starts with: key, name, stage name and parent."""
        return {
            "key": str(s["key"]),
            "name": str(s["name"]),
            "stage_name": self.stage_name(str(s["stage"])),
            "parent": str(s["parent"] or "") or None,
        }

    def segment(self, key: str) -> dict[str, object]:
        """The segment ``key`` (``map/segment`` or just ``segment``); NotFoundError otherwise."""
        full = key if key.startswith(f"{self.summary.key}/") else f"{self.summary.key}/{key}"
        for s in self.segments:
            if s["key"] == full:
                return s
        known = ", ".join(str(s["key"]).split("/", 1)[1] for s in self.segments[:12])
        raise NotFoundError(f"Map '{self.summary.key}' has no segment '{key}'. Its segments include: {known}.")


def _relevance(f: Firm) -> tuple[int, float, str]:
    return (-f.weight, -(f.revenue_musd or 0.0), f.name)


def _summary(r: Mapping[str, Any], c: Mapping[str, Any]) -> MapSummary:
    return MapSummary(
        key=r["key"],
        name=r["name"] or r["key"],
        name_en=r["name_en"] or None,
        version=r["version"] or None,
        description=r["description"] or None,
        stages=int(c.get("stages") or 0),
        segments=int(c.get("segments") or 0),
        references=list(r["refs"] or []),
        serves_industries=list(r["serves"] or []),
        source=r["source"],
    )


def list_maps(store: GraphStore) -> list[MapSummary]:
    """Every chain map in the store with its stage and segment counts, by key."""
    return [md.summary for md in chain_maps(store).values()]


def chain_maps(store: GraphStore) -> dict[str, MapData]:
    """Every chain map and its members nationwide, by key, for the store's current data.

    Read once per data version (about 0.04 s of queries on the public data) and held by the
    store's engine; beside the embedded store it is also kept on disk with the link graphs,
    where a load leaves it (:meth:`ChainEngine.warm`), so a command's first question after a
    load reads a file instead of seven queries. A write changes the version: read again.
    """
    from chainkg.queries.chainengine.engine import engine_for

    return engine_for(store).held(CHAIN_MAPS, lambda: _fetch_maps(store), on_disk=True, tally=False)


CHAIN_MAPS = "chain_maps"
"""The name :func:`chain_maps` is held and kept under."""


def _fetch_maps(store: GraphStore) -> dict[str, MapData]:
    counts = {r["map"]: r for r in store.run(MAP_COUNTS)}
    listed = [_summary(r, counts.get(r["key"], {})) for r in store.run(MAPS)]
    return _read_maps(store, listed) if listed else {}


def get_map(store: GraphStore, key: str) -> MapSummary:
    """The map ``key``; :class:`NotFoundError` naming the maps there are otherwise."""
    rows = store.run(ONE_MAP, {"map": key})
    if rows:
        return _summary(rows[0], rows[0])
    maps = list_maps(store)
    hint = f" Known maps: {', '.join(m.key for m in maps)}." if maps else " No chain maps are loaded yet."
    raise NotFoundError(f"There is no chain map with the key '{key}'.{hint}")


def read_map(store: GraphStore, key: str) -> MapData:
    """One map and its members nationwide; :class:`NotFoundError` naming the maps there are otherwise."""
    return read_maps(store, [key])[key]


def read_maps(store: GraphStore, keys: Sequence[str]) -> dict[str, MapData]:
    """The maps ``keys`` and their members nationwide, by key (:func:`chain_maps`);
    :class:`NotFoundError` for a key that names no map."""
    held = chain_maps(store)
    for k in keys:
        if k not in held:
            get_map(store, k)  # raises, naming the maps there are
    return {k: held[k] for k in dict.fromkeys(keys)}


def _read_maps(store: GraphStore, listed: Sequence[MapSummary]) -> dict[str, MapData]:
    """The ``listed`` maps read from the store, all in the same few queries."""
    stages: dict[str, list[StageRef]] = defaultdict(list)
    for r in store.run(MAP_STAGES):
        stages[r["map"]].append(
            StageRef(
                key=r["key"], name=r["name"] or r["key"], name_en=r["name_en"] or None, position=r["position"] or 0
            )
        )
    segments: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in store.run(MAP_SEGMENTS):
        segments[r.pop("map")].append(r)
    feeds: dict[str, list[str]] = defaultdict(list)
    for r in store.run(MAP_FEEDS):
        feeds[r["src"]].append(r["dst"])
    firms: dict[str, list[Firm]] = defaultdict(list)
    # One row of parallel lists: far fewer rows to decode than one per membership.
    for r in store.run(SEGMENT_FIRMS):
        for seg, key, (name, province, city), (revenue,), (rule, via), (weight,) in zip(
            r["seg"], r["key"], r["info"], r["revenue"], r["evidence"], r["weight"], strict=True
        ):
            firms[seg].append(Firm(key, name, province, city, rule or "", via or "", int(weight or 1), revenue))
    for fl in firms.values():
        fl.sort(key=_relevance)
    products: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in store.run(SEGMENT_PRODUCTS):
        for seg, key, rule in zip(r["seg"], r["key"], r["rule"], strict=True):
            products[seg].append((key, rule or ""))
    for pl in products.values():
        pl.sort()
    out: dict[str, MapData] = {}
    for m in listed:
        k = m.key
        # Segment keys are "map/segment": each map takes the flow, firms and products of its own.
        own = [str(s["key"]) for s in segments[k]]
        order = {x: i for i, x in enumerate(own)}  # a segment feeds others listed in the map's order
        children: dict[str, list[str]] = defaultdict(list)
        for s in segments[k]:
            if s["parent"]:
                children[str(s["parent"])].append(str(s["key"]))
        out[k] = MapData(
            m,
            stages[k],
            segments[k],
            {x: sorted(feeds[x], key=lambda y: order.get(y, len(order))) for x in own if x in feeds},
            {x: firms[x] for x in own if x in firms},
            {x: products[x] for x in own if x in products},
            dict(children),
        )
    return out


def default_map_keys(store: GraphStore, base_key: str) -> list[str]:
    """The maps a base gets without asking: those it names (``USES_MAP``) and those serving one
    of its leading industries (or an industry above one)."""
    return [r.map for r in default_maps(store, base_key)]


def default_maps(
    store: GraphStore, base_key: str, base_name: str | None = None, listed: Sequence[MapSummary] | None = None
) -> list[MapChoiceReason]:
    """:func:`default_map_keys` with the reason for each: named by the base, or serving which of
    its leading industries (how many of its firms are in each). ``listed``: :func:`list_maps`, if already read."""
    named = [r["key"] for r in store.run(BASE_MAPS, {"base": base_key})]
    lead_up: dict[str, set[str]] = {}
    lead_name: dict[str, str] = {}
    for r in store.run(BASE_LEADING_UP, {"base": base_key}):
        lead_up[r["key"]] = {r["key"], *(x for x in r["parents"] or [] if x)}
        lead_name[r["key"]] = r["name"] or r["key"]
    firms: dict[str, int] = {}
    if lead_up:
        firms = {r["key"]: int(r["firms"] or 0) for r in store.run(BASE_INDUSTRY_FIRMS, {"base": base_key})}
    who = base_name or base_key
    out: dict[str, MapChoiceReason] = {}
    for m in list_maps(store) if listed is None else listed:
        serves = set(m.serves_industries)
        via = sorted((k for k, up in lead_up.items() if up & serves), key=lambda k: (-firms.get(k, 0), k))
        if m.key not in named and not via:
            continue
        inds = [(k, lead_name[k], firms.get(k, 0)) for k in via]
        en = "; ".join(f"{n} ({k}, {c} firms)" for k, n, c in inds)
        zh = "、".join(f"{n}（{k}，{c}家企业）" for k, n, c in inds)
        if m.key in named:
            why, why_zh = f"{who} names the map {m.name} itself.", f"{who}自选图谱「{m.name}」。"
            if inds:
                why += f" It also serves its leading industries {en}."
                why_zh += f"该图谱也服务于其主导产业{zh}。"
        else:
            why = f"{m.name} serves {who}'s leading industries {en}."
            why_zh = f"「{m.name}」服务于{who}的主导产业{zh}。"
        out[m.key] = MapChoiceReason(map=m.key, named=m.key in named, industries=inds, why=why, why_zh=why_zh)
    # The maps the base names, then those serving more of its firms first.
    served = sorted((r for r in out.values() if not r.named), key=lambda r: (-sum(c for *_, c in r.industries), r.map))
    return [out[k] for k in named if k in out] + served


def _base_firms(store: GraphStore, query: NamedQuery, params: Mapping[str, object]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for r in store.run(query, params):
        out[r["seg"]].add(r["key"])
    return out


def _answer(md: MapData, s: Mapping[str, object], base: BaseRef, own: set[str], full: bool) -> SegmentAnswer:
    key = str(s["key"])
    firms = md.firms.get(key, [])
    mine = [f for f in firms if f.key in own]
    prods = md.products.get(key, [])
    st = segment_status(len(mine), len(firms))
    name = str(s["name"])
    why, why_zh = _why(st, name, base.name, mine, firms, len(prods))
    n_makers = None if full else MAKERS_SHOWN
    n_prods = None if full else PRODUCTS_SHOWN
    return SegmentAnswer(
        map=md.summary.key,
        key=key,
        segment=key.split("/", 1)[1],
        name=name,
        name_en=str(s["name_en"] or "") or None,
        description=str(s["description"] or "") or None,
        stage=str(s["stage"]),
        stage_name=md.stage_name(str(s["stage"])),
        parent=str(s["parent"] or "") or None,
        children=md.children.get(key, []),
        feeds=md.feeds.get(key, []),
        status=st,
        status_zh=SEGMENT_STATUS_ZH[st],
        base_firms=_records(mine),
        base_count=len(mine),
        makers=_records(firms[:n_makers]),
        makers_count=len(firms),
        products=[p for p, _ in prods[:n_prods]],
        products_count=len(prods),
        why=why,
        why_zh=why_zh,
    )


def _names(firms: Sequence[Firm], n: int = 3) -> tuple[str, str]:
    shown = [f.name for f in firms[:n]]
    more = len(firms) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else ""), "、".join(shown) + (
        f"等{len(firms)}家" if more > 0 else ""
    )


def _why(
    st: SegmentStatus, seg: str, base: str, mine: Sequence[Firm], firms: Sequence[Firm], n_prods: int
) -> tuple[str, str]:
    # The English reason is kept beside the Chinese one whatever the reader's language: its plural
    # forms come from the en catalog (gettext's rule when it has none), so it reads "1 firm".
    english = translations("en")
    if st == "no_supplier":
        return (
            english.ngettext(
                "Nobody in the data is in {seg} ({n} product matched, no maker): an R&D target, not one to attract.",
                "Nobody in the data is in {seg} ({n} products matched, no maker): an R&D target, not one to attract.",
                n_prods,
            ).format(seg=seg, n=n_prods),
            f"数据中没有企业处于「{seg}」环节（匹配产品{n_prods}项，无生产企业）：宜作研发攻关目标，而非招商目标。",
        )
    if st == "gap":
        en, zh = _names([f for f in firms if f not in mine])
        return (
            english.ngettext(
                "No firm of {base} is in {seg}; {n} firm elsewhere is, e.g. {names}.",
                "No firm of {base} is in {seg}; {n} firms elsewhere are, e.g. {names}.",
                len(firms),
            ).format(base=base, seg=seg, n=len(firms), names=en),
            f"{base}没有企业处于「{seg}」环节；全国有{len(firms)}家，如{zh}。",
        )
    en, zh = _names(mine)
    if st == "weak":
        return (
            english.ngettext(
                "Only {names} of {base} is in {seg} ({n} firm nationwide): the segment rests on one firm.",
                "Only {names} of {base} is in {seg} ({n} firms nationwide): the segment rests on one firm.",
                len(firms),
            ).format(names=en, base=base, seg=seg, n=len(firms)),
            f"{base}仅{zh}一家处于「{seg}」环节（全国{len(firms)}家）：该环节只靠一家企业。",
        )
    return (
        english.ngettext(
            "{n} firm of {base} is in {seg}: {names}.", "{n} firms of {base} are in {seg}: {names}.", len(mine)
        ).format(n=len(mine), base=base, seg=seg, names=en),
        f"{base}有{len(mine)}家企业处于「{seg}」环节：{zh}。",
    )


def _counts(statuses: Sequence[str]) -> dict[str, int]:
    return {k: sum(1 for s in statuses if s == k) for k in SEGMENT_STATUS_ZH}


class _Maps(NamedTuple):
    """The maps a question is answered on, why each was chosen (default maps) and those already read."""

    keys: list[str]
    reasons: dict[str, MapChoiceReason]
    listed: dict[str, MapSummary]


def _default_maps(store: GraphStore, base_key: str, base_name: str) -> _Maps:
    listed = list_maps(store)  # read once: the choice and each chosen map's summary come from it
    reasons = default_maps(store, base_key, base_name, listed)
    return _Maps([r.map for r in reasons], {r.map: r for r in reasons}, {m.key: m for m in listed})


def _map_keys(store: GraphStore, base_key: str, maps: Sequence[str] | None, base_name: str) -> _Maps:
    if maps:
        return _Maps(list(dict.fromkeys(maps)), {}, {})
    found = _default_maps(store, base_key, base_name)
    if not found.keys:
        known = ", ".join(found.listed) or "none loaded yet"
        raise InvalidInputError(
            f"Base '{base_key}' names no chain map and leads in no industry a map serves: choose one with --map "
            f"(maps: {known}).",
            field="map",
        )
    return found


def segment_gaps(
    store: GraphStore,
    base_key: str,
    maps: Sequence[str] | None = None,
    *,
    segment: str | None = None,
    year: int | None = None,
) -> SegmentGapsResult:
    """A base's status in every segment of the maps (default: the base's own maps).

    With ``segment`` (drill-down; needs exactly one map) only that segment is answered, and
    its makers and products are listed in full. With ``year``, the base's firms are those
    located in it and in business that year (:func:`chainkg.queries.chainengine.chain.present_in`);
    makers nationwide are counted as the data stands.

    Examples
    --------
    >>> r = segment_gaps(store, "sz-led", ["led"])                     # doctest: +SKIP
    >>> [(s.name, s.status) for s in r.maps[0].segments][:2]           # doctest: +SKIP
    [('衬底材料', 'gap'), ('外延片', 'gap')]
    """
    base = get_base(store, base_key)
    chosen = _map_keys(store, base_key, maps, base.name)
    if segment and len(chosen.keys) != 1:
        raise InvalidInputError("Name one map with --map to look into a segment.", field="segment")
    return _segment_gaps(store, base, chosen, segment, year)


def default_segment_gaps(store: GraphStore, base_key: str, year: int | None = None) -> SegmentGapsResult | None:
    """:func:`segment_gaps` on the base's own maps (as of ``year``), or None when it has none.

    The maps are chosen and read once (what ``chainkg gaps`` shows first).
    """
    base = get_base(store, base_key)
    chosen = _default_maps(store, base_key, base.name)
    return _segment_gaps(store, base, chosen, None, year) if chosen.keys else None


def _segment_gaps(
    store: GraphStore, base: BaseRef, chosen: _Maps, segment: str | None, year: int | None
) -> SegmentGapsResult:
    base_key, reasons = base.key, chosen.reasons
    out: list[MapGaps] = []
    present = None if year is None else present_in(store, base_key, year)
    read = read_maps(store, chosen.keys)
    # The base's firms in a segment of any of the maps: a segment's own firms are told apart by
    # the segment's list of makers nationwide (see _answer).
    own_by_seg = _base_firms(store, BASE_SEGMENT_FIRMS, {"base": base_key, "maps": chosen.keys})
    own = set().union(*own_by_seg.values()) if own_by_seg else set()
    if present is not None:
        own &= present
    for mk in chosen.keys:
        md = read[mk]
        rows = [md.segment(segment)] if segment else md.segments
        answers = [_answer(md, s, base, own, full=bool(segment)) for s in rows]
        out.append(
            MapGaps(
                map=md.summary,
                stages=md.stages,
                counts=_counts([a.status for a in answers]),
                segments=answers,
                rd_targets=[a.key for a in answers if a.status == "no_supplier"],
                reason=reasons.get(mk),
            )
        )
    return SegmentGapsResult(base=base, maps=out, default_maps=bool(reasons))


def _refs(firms: Sequence[Firm], keys: set[str]) -> list[EnterpriseRef]:
    return [EnterpriseRef(key=f.key, name=f.name) for f in firms if f.key in keys]


def segment_what_if(store: GraphStore, base_key: str, enterprises: Sequence[str], map_key: str) -> SegmentWhatIf:
    """Which segments of the map the base loses (no firm left) or weakens (one left) when the
    named enterprises (keys or names of the base's firms) leave."""
    from chainkg.queries.chainengine.gaps import resolve_enterprises

    base = get_base(store, base_key)
    removed = resolve_enterprises(store, base_key, enterprises)
    gone = {e.key for e in removed}
    md = read_map(store, map_key)
    own = _base_firms(store, BASE_SEGMENT_FIRMS, {"base": base_key, "maps": [map_key]})
    losses = sole_firm_losses(own, gone)
    lost: list[SegmentLoss] = []
    weakened: list[SegmentLoss] = []
    before: list[str] = []
    after: list[str] = []
    for s in md.segments:
        key = str(s["key"])
        firms = md.firms.get(key, [])
        mine = own.get(key, set())
        left = mine - gone
        before.append(segment_status(len(mine), len(firms)))
        st_after = segment_status(len(left), len(firms))
        after.append(st_after)
        row = {"map": map_key, "key": key, "name": str(s["name"]), "stage_name": md.stage_name(str(s["stage"]))}
        if key in losses:
            lost.append(
                SegmentLoss(**row, lost=_refs(firms, mine & gone), makers_count=len(firms), status_after=st_after)
            )
        elif len(mine) >= 2 and len(left) == 1:
            weakened.append(
                SegmentLoss(**row, lost=_refs(firms, mine & gone), makers_count=len(firms), status_after=st_after)
            )
    return SegmentWhatIf(
        base=base,
        map=map_key,
        removed=removed,
        lost=lost,
        weakened=weakened,
        before=_counts(before),
        after=_counts(after),
    )


def segment_candidates(
    store: GraphStore, base_key: str, map_key: str, segment: str, limit: int | None = 20
) -> list[SegmentCandidate]:
    """Firms outside the base in the segment, most relevant first (most of the segment's
    products made, then revenue): whom to call to fill it."""
    base = get_base(store, base_key)
    md = read_map(store, map_key)
    s = md.segment(segment)
    key = str(s["key"])
    own = _base_firms(store, BASE_SEGMENT_FIRMS, {"base": base_key, "maps": [map_key]}).get(key, set())
    out = []
    for f in md.firms.get(key, []):
        if f.key in own:
            continue
        place = f.city or f.province or "?"
        out.append(
            SegmentCandidate(
                **f._asdict(),
                why=f"{f.name} ({place}) is in {s['name']}: {f.rule} {f.via}.",
                why_zh=f"{f.name}（{place}）处于「{s['name']}」环节：{_RULE_ZH.get(f.rule, f.rule)}{f.via}。",
            )
        )
    _ = base
    return out[:limit] if limit else out


_RULE_ZH = {"makes": "生产", "industry": "所属行业", "gb4754": "国标行业", "enterprise": "图谱指定"}


def segment_complement(store: GraphStore, a_key: str, b_key: str, map_key: str) -> SegmentComplement:
    """Two bases on one map: segments where A has firms and B none (A fills B's gap), the
    reverse, both and neither."""
    a, b = get_base(store, a_key), get_base(store, b_key)
    md = read_map(store, map_key)
    fa = _base_firms(store, BASE_SEGMENT_FIRMS, {"base": a_key, "maps": [map_key]})
    fb = _base_firms(store, BASE_SEGMENT_FIRMS, {"base": b_key, "maps": [map_key]})
    keys = [str(s["key"]) for s in md.segments]
    split = complement_segments({k: fa.get(k, set()) for k in keys}, {k: fb.get(k, set()) for k in keys})
    by_key = {str(s["key"]): s for s in md.segments}

    def pairs(ks: list[str]) -> list[SegmentPair]:
        return [
            SegmentPair(
                key=k,
                name=str(by_key[k]["name"]),
                stage_name=md.stage_name(str(by_key[k]["stage"])),
                a_firms=_refs(md.firms.get(k, []), fa.get(k, set())),
                b_firms=_refs(md.firms.get(k, []), fb.get(k, set())),
            )
            for k in sorted(ks, key=keys.index)
        ]

    return SegmentComplement(
        a=a,
        b=b,
        map=map_key,
        a_fills_b=pairs(split["a_fills_b"]),
        b_fills_a=pairs(split["b_fills_a"]),
        both=pairs(split["both"]),
        neither=pairs(split["neither"]),
    )


def alliance_segments(store: GraphStore, alliance_key: str, map_key: str) -> AllianceSegments:
    """An alliance's member enterprises per segment of the map, with a status as for a base."""
    rows = store.run(ALLIANCE, {"alliance": alliance_key})
    if not rows:
        raise NotFoundError(f"There is no alliance with the key '{alliance_key}'.")
    md = read_map(store, map_key)
    members = _base_firms(store, ALLIANCE_SEGMENT_FIRMS, {"alliance": alliance_key, "maps": [map_key]})
    segs = []
    for s in md.segments:
        key = str(s["key"])
        firms = md.firms.get(key, [])
        mine = members.get(key, set())
        st = segment_status(len(mine), len(firms))
        segs.append(
            AllianceSegment(
                **md.head(s),
                status=st,
                status_zh=SEGMENT_STATUS_ZH[st],
                members=_refs(firms, mine),
                makers_count=len(firms),
            )
        )
    r = rows[0]
    return AllianceSegments(
        alliance=EnterpriseRef(key=r["key"], name=r["name"] or r["key"]),
        map=map_key,
        counts=_counts([s.status for s in segs]),
        segments=segs,
    )


def map_report(store: GraphStore, map_key: str, *, shown: int = 12) -> MapReport:
    """Per segment: the rules, the products matched (by rule) and the enterprises nationwide;
    a segment matching no product and no enterprise is a defect of the map."""
    md = read_map(store, map_key)
    segs = []
    for s in md.segments:
        key = str(s["key"])
        prods = md.products.get(key, [])
        firms = md.firms.get(key, [])
        by_rule: dict[str, int] = defaultdict(int)
        for _, rule in prods:
            by_rule[rule] += 1
        rules = {r: list(s[r] or []) for r in _RULES if s[r]}  # type: ignore[call-overload]
        segs.append(
            SegmentReport(
                **md.head(s),
                rules=rules,
                products_count=len(prods),
                products=[p for p, _ in prods[:shown]],
                product_rules=dict(by_rule),
                enterprises_count=len(firms),
                enterprises=_records(firms[:shown]),
                defect=not prods and not firms,
                unmatched_note=str(s["unmatched_note"] or "") or None,
            )
        )
    defects = [s for s in segs if s.defect]
    return MapReport(
        map=md.summary,
        segments=segs,
        defects=[s.key for s in defects],
        explained=[s.key for s in defects if s.unmatched_note],
        unexplained=[s.key for s in defects if not s.unmatched_note],
    )


# -- which maps touch a base (for choosing a map) ------------------------------------------------

BASE_MAP_PRESENCE: NamedQuery = q(
    "segments.base_presence",
    """
MATCH (b:Base {key: $base})<-[:LOCATED_IN]-(e:Enterprise)-[:IN_SEGMENT]->(s:ChainSegment)
RETURN s.map AS map, count(DISTINCT e) AS firms, count(DISTINCT s) AS segments""",
    "Per map: how many of the base's enterprises are in its segments, and in how many segments. Params: base.",
)


def base_map_presence(store: GraphStore, base_key: str) -> dict[str, tuple[int, int]]:
    """Per map key: (the base's enterprises in the map, the segments they are in); maps the
    base has no firm in are left out. Helps a planner choose a map for a base without one."""
    rows = store.run(BASE_MAP_PRESENCE, {"base": base_key})
    return {str(r["map"]): (int(r["firms"] or 0), int(r["segments"] or 0)) for r in rows}
