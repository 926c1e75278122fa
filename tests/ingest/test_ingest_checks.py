"""Field checks: USCC check digit, stock codes, IPC codes, years, dates, schemes, text."""

from __future__ import annotations

import datetime as dt

import pytest

from chainkg.ingest import checks


@pytest.mark.parametrize("code", ["91350100M000100Y43", "914403001922038216", "91440300MA5FAKE01G"])
def test_valid_uscc(code: str) -> None:
    assert checks.check_uscc(code) == code
    assert checks.check_uscc(" " + code.lower() + " ") == code


def test_uscc_full_width_is_folded() -> None:
    assert checks.check_uscc("９１３５０１００M000100Y43") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y4", "has 18 characters; this one has 17"),
        ("91350100M000100Y433", "this one has 19"),
        ("91350100M00O100Y43", "may not contain 'O'"),
        ("91350100M000100Y44", "check digit) should be '3' for this code, not '4'"),
        ("914403001922038217", "should be '6'"),
    ],
)
def test_invalid_uscc(code: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        checks.check_uscc(code)


def test_uscc_check_char_matches_the_standard_example() -> None:
    # GB 32100-2015's algorithm: the sample code quoted in its guidance ends in 3.
    assert checks.uscc_check_char("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("600000", "600000.SH"),
        ("688268", "688268.SH"),
        ("000001", "000001.SZ"),
        ("300750", "300750.SZ"),
        ("830799", "830799.BJ"),
        ("000001.sz", "000001.SZ"),
        ("６００５１９", "600519.SH"),
    ],
)
def test_stock_codes(given: str, expected: str) -> None:
    assert checks.normalize_stock_code(given) == expected


def test_stock_code_exchange_name_wins_over_digits() -> None:
    assert checks.normalize_stock_code("301079", "深圳证券交易所") == "301079.SZ"
    assert checks.normalize_stock_code("688096", "上海证券交易所") == "688096.SH"


@pytest.mark.parametrize("bad", ["60000", "ABC123", "600000.HK", "1234567"])
def test_bad_stock_codes(bad: str) -> None:
    with pytest.raises(ValueError, match="six digits"):
        checks.normalize_stock_code(bad)


@pytest.mark.parametrize(
    ("given", "expected"),
    [("H01L 33/00", "H01L 33/00"), ("h01l33/00", "H01L 33/00"), ("G06F  3 / 041", "G06F 3/041"), ("H01L", "H01L")],
)
def test_ipc_codes(given: str, expected: str) -> None:
    assert checks.normalize_ipc(given) == expected


@pytest.mark.parametrize("bad", ["X01L 33/00", "H1L", "H01L 33", "光电", "H01L-33-00"])
def test_bad_ipc_codes(bad: str) -> None:
    with pytest.raises(ValueError, match="is not an IPC code"):
        checks.normalize_ipc(bad)


def test_tech_field_keys_are_subclasses() -> None:
    assert checks.check_tech_field_key("h01l") == "H01L"
    with pytest.raises(ValueError, match="IPC subclass"):
        checks.check_tech_field_key("H01L 33/00")


def test_years() -> None:
    today = dt.date(2026, 6, 1)
    assert checks.check_year(1898, today=today) == 1898
    assert checks.check_year(2027, today=today) == 2027
    for bad in (1799, 2028, 21):
        with pytest.raises(ValueError, match="outside 1800–2027"):
            checks.check_year(bad, today=today)


def test_dates() -> None:
    assert checks.check_date("2021/3/5") == "2021-03-05"
    assert checks.check_date("2011-06-30") == "2011-06-30"
    with pytest.raises(ValueError, match="not a real calendar date"):
        checks.check_date("2011-02-30")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        checks.check_date("June 2011")


def test_schemes_and_industry_codes() -> None:
    assert checks.check_scheme("sw2021") == "SW2021"
    assert checks.check_scheme("GB/T 4754") == "GB4754"
    assert checks.check_scheme("申万") == "SW2021"
    with pytest.raises(ValueError, match="SW2021"):
        checks.check_scheme("NAICS")
    assert checks.check_industry_code("SW2021", "270100") == "270100"
    assert checks.check_industry_code("GB4754", "c3976") == "3976"  # the letter is implied by the digits
    with pytest.raises(ValueError, match="looks like 270100"):
        checks.check_industry_code("SW2021", "27")


def test_text_limits() -> None:
    assert checks.check_text("a\nb") == "a\nb"
    with pytest.raises(ValueError, match="NUL"):
        checks.check_text("a\x00b")
    with pytest.raises(ValueError, match="too long"):
        checks.check_text("x" * 2001)
    assert checks.check_text("x" * 5000, long=True)
