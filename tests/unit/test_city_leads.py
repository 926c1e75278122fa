"""The leading industries derived for the public data's city bases, against a hand computation."""

from __future__ import annotations

from chainkg.ingest.ckg import leading_industries


def test_location_quotient_and_the_firm_floor_by_hand() -> None:
    # A city of 250 firms in a country of 4,000: the floor is max(2, ⌈2.5⌉) = 3 firms.
    city = {"LED": 11, "软件": 8, "面板": 2, "照明": 3, "地产": 4}
    national = {"LED": 29, "软件": 150, "面板": 5, "照明": 30, "地产": 40}
    got = leading_industries(city, national, 250, 4000)
    # LED: (11/250) / (29/4000) = 6.069; 软件: (8/250)/(150/4000) = 0.853 (not specialised);
    # 面板: LQ 6.4 but 2 firms < 3; 照明: (3/250)/(30/4000) = 1.6 < 2; 地产: (4/250)/(40/4000) = 1.6.
    assert got == {"LED": (11, 6.07)}
    # A city of 40 firms: the floor is 2, so 面板 (2 firms, (2/40)/(5/4000) = 40) leads.
    assert leading_industries({"面板": 2, "LED": 1}, national, 40, 4000) == {"面板": (2, 40.0)}
    # Exactly twice the national share leads (≥ 2); nothing leads in an empty city.
    assert leading_industries({"照明": 4}, {"照明": 200}, 40, 4000) == {"照明": (4, 2.0)}
    assert leading_industries({}, national, 0, 4000) == {}
