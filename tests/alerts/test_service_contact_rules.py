"""Rules on the service and contact facts: complaints and requests surging, calls from the
dealer jumping or stopping — exact alerts on hand-built dealer-months, and a steady dealer
raising none."""

import pytest

from qudao.alerts import services
from qudao.alerts.models import Alert
from tests.alerts import D, dealer, figures, flat, found, month, months, rule, series

JAN, DEC = month(2025, 1), month(2025, 12)
YEAR = (JAN, DEC)
CODES = ("complaint-surge", "request-surge", "calls-jump", "calls-drop")


def _scan(*codes: str):
    return services.scan(periods=YEAR, rules=[rule(code) for code in codes or CODES])


def _alert(code: str, dealer_code: str) -> Alert:
    return Alert.objects.get(rule__code=code, dealer__code=dealer_code)


@pytest.mark.django_db
def test_complaints_surge_from_one_a_month_to_five(world, north_rep):
    x = dealer("HB-C", world.shijiazhuang, rep=north_rep)
    series(x, {m: {"amount": 50000, "complaints": 5 if m == month(2025, 7) else 1,
                   "requests": 6 if m == month(2025, 7) else 2}
               for m in months(JAN, DEC)})

    _scan()

    # July: 5 complaints against 1 a month before (+400%, critical at twice the +100%
    # threshold); the requests (6 against 2, +200%) surge too. August falls back: no news.
    assert found() == {("complaint-surge", "HB-C", month(2025, 7)),
                       ("request-surge", "HB-C", month(2025, 7))}
    assert figures(_alert("complaint-surge", "HB-C")) == (D("5"), D("1"), D("4"), None,
                                                         "critical")
    assert figures(_alert("request-surge", "HB-C")) == (D("6"), D("2"), D("2"), None,
                                                       "critical")


@pytest.mark.django_db
def test_a_few_complaints_from_none_are_no_surge_below_the_minimum(world, north_rep):
    """From none to two complaints is below the minimum base of 3; to three it is news
    (divided by at least 1: +200%)."""
    x = dealer("HB-C", world.shijiazhuang, rep=north_rep)
    y = dealer("HB-D", world.shijiazhuang, rep=north_rep)
    series(x, {m: {"amount": 50000, "complaints": 2 if m == month(2025, 5) else 0}
               for m in months(JAN, DEC)})
    series(y, {m: {"amount": 50000, "complaints": 3 if m == month(2025, 5) else 0}
               for m in months(JAN, DEC)})

    _scan("complaint-surge")

    assert found() == {("complaint-surge", "HB-D", month(2025, 5))}
    assert figures(_alert("complaint-surge", "HB-D")) == (D("3"), D("0"), D("2"), None,
                                                         "critical")


@pytest.mark.django_db
def test_calls_from_the_dealer_jump_and_stop(world, north_rep):
    jumpy = dealer("HB-J", world.shijiazhuang, rep=north_rep)
    quiet = dealer("HB-Q", world.shijiazhuang, rep=north_rep)
    series(jumpy, {m: {"amount": 50000, "calls_in": 9 if m == month(2025, 9) else 2}
                   for m in months(JAN, DEC)})
    series(quiet, {m: {"amount": 50000, "calls_in": 1 if m >= month(2025, 10) else 6}
                   for m in months(JAN, DEC)})

    _scan("calls-jump", "calls-drop")

    # September: 9 calls against 2 (+350%). October: 1 call against 6 (-83%); November
    # (1 against 8/3) is the same silence going on.
    assert found() == {("calls-jump", "HB-J", month(2025, 9)),
                       ("calls-drop", "HB-Q", month(2025, 10))}
    assert figures(_alert("calls-jump", "HB-J")) == (D("9"), D("2"), D("3.5"), None,
                                                    "critical")
    jumped = _alert("calls-drop", "HB-Q")
    assert (jumped.value, jumped.baseline, jumped.change) == (D("1"), D("6"),
                                                             D("-0.8333"))
    assert jumped.details["series"]["values"][-2:] == ["6.00", "1.00"]


@pytest.mark.django_db
def test_a_steady_dealer_raises_none(world, north_rep):
    """Two or three complaints, four to six requests and five to seven calls a month, in
    a repeating pattern: nothing surges or stops."""
    x = dealer("HB-S", world.shijiazhuang, rep=north_rep)
    pattern = [(2, 4, 5), (3, 6, 7), (2, 5, 6)]
    series(x, {m: {"amount": 50000, "complaints": pattern[i % 3][0],
                   "requests": pattern[i % 3][1], "calls_in": pattern[i % 3][2],
                   "calls_out": 2, "visits": 1}
               for i, m in enumerate(months(month(2024, 1), DEC))})
    flat(dealer("HB-T", world.shijiazhuang, rep=north_rep), month(2024, 1), DEC, 40000)

    run = _scan()

    assert run.raised == 0 and not Alert.objects.exists()
