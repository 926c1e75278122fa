"""The map of where the firms are: province and city counts shaped for the vendored ECharts maps.

ECharts 4.9.0 (vendored under ``chainkg/api/static/echarts``, Apache-2.0) names the regions of
``map/china.json`` by short province names (广东, 内蒙古) and ships one city map per province
(``map/province/guangdong.json``), whose regions carry full city names (深圳市). The data holds
full province names (广东省, 内蒙古自治区), so this module maps one to the other. The 34
provincial-level divisions are the country's official list, not data about any company.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chainkg.queries.geography import PlaceCounts

PROVINCES: dict[str, tuple[str, str]] = {
    "北京市": ("北京", "beijing"),
    "天津市": ("天津", "tianjin"),
    "河北省": ("河北", "hebei"),
    "山西省": ("山西", "shanxi"),
    "内蒙古自治区": ("内蒙古", "neimenggu"),
    "辽宁省": ("辽宁", "liaoning"),
    "吉林省": ("吉林", "jilin"),
    "黑龙江省": ("黑龙江", "heilongjiang"),
    "上海市": ("上海", "shanghai"),
    "江苏省": ("江苏", "jiangsu"),
    "浙江省": ("浙江", "zhejiang"),
    "安徽省": ("安徽", "anhui"),
    "福建省": ("福建", "fujian"),
    "江西省": ("江西", "jiangxi"),
    "山东省": ("山东", "shandong"),
    "河南省": ("河南", "henan"),
    "湖北省": ("湖北", "hubei"),
    "湖南省": ("湖南", "hunan"),
    "广东省": ("广东", "guangdong"),
    "广西壮族自治区": ("广西", "guangxi"),
    "海南省": ("海南", "hainan"),
    "重庆市": ("重庆", "chongqing"),
    "四川省": ("四川", "sichuan"),
    "贵州省": ("贵州", "guizhou"),
    "云南省": ("云南", "yunnan"),
    "西藏自治区": ("西藏", "xizang"),
    "陕西省": ("陕西", "shanxi1"),
    "甘肃省": ("甘肃", "gansu"),
    "青海省": ("青海", "qinghai"),
    "宁夏回族自治区": ("宁夏", "ningxia"),
    "新疆维吾尔自治区": ("新疆", "xinjiang"),
    "台湾省": ("台湾", "taiwan"),
    "香港特别行政区": ("香港", "xianggang"),
    "澳门特别行政区": ("澳门", "aomen"),
}
"""Full province name -> (region name in china.json, file name of its city map)."""

MUNICIPALITIES = frozenset({"北京市", "天津市", "上海市", "重庆市"})
"""Their city maps show districts, which the data does not hold: shown at province level only."""

GEO_BASE = "/static/echarts/map"


@dataclass
class MapRegion:
    """One province on the map: its map name, count, and where its city map is."""

    province: str
    map_name: str | None
    enterprises: int
    city_map: str | None
    cities: list[dict[str, Any]] = field(default_factory=list)
    no_city: int = 0


@dataclass
class MapData:
    """What the map page draws and tabulates."""

    places: PlaceCounts
    regions: list[MapRegion]
    unmapped: list[str]

    def echarts(self) -> dict[str, Any]:
        """The JSON the page's script reads: provinces with map names, cities per province."""
        return {
            "provinces": [
                {
                    "name": r.map_name,
                    "full": r.province,
                    "value": r.enterprises,
                    "cityMap": r.city_map,
                    "cities": r.cities,
                }
                for r in self.regions
                if r.map_name
            ],
            "max": max((r.enterprises for r in self.regions), default=0),
        }


def map_data(places: PlaceCounts) -> MapData:
    """The provinces of ``places`` with their map names; provinces the maps do not know are listed."""
    regions = []
    unmapped = []
    for p in places.provinces:
        known = PROVINCES.get(p.province)
        if known is None:
            unmapped.append(p.province)
        city_map = None
        if known and p.province not in MUNICIPALITIES:
            city_map = f"{GEO_BASE}/province/{known[1]}.json"
        regions.append(
            MapRegion(
                province=p.province,
                map_name=known[0] if known else None,
                enterprises=p.enterprises,
                city_map=city_map,
                cities=[{"name": c.city, "value": c.enterprises} for c in p.cities],
                no_city=p.no_city,
            )
        )
    return MapData(places, regions, unmapped)
