"""Money is rounded once and shown one way: separators, a true minus sign, in templates too."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from nextmile.money import cents, format_money


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("-11165.67"), "−$11,165.67"),
        (Decimal("1004.5"), "$1,004.50"),
        (Decimal("0"), "$0.00"),
        (Decimal("-0.004"), "$0.00"),  # rounds to nothing: no minus on zero
        (1234567.891, "$1,234,567.89"),
        ("12.345", "$12.35"),  # half up
    ],
)
def test_amounts_read_with_separators_and_a_true_minus(value, shown):
    assert format_money(value) == shown


def test_cents_round_half_up_and_count_none_as_nothing():
    assert cents(Decimal("2.675")) == Decimal("2.68")
    assert cents(0.1 + 0.2) == Decimal("0.30")
    assert cents(None) == Decimal("0.00")


def test_every_template_has_the_money_filter_without_loading_it():
    out = Template("{{ a|money }} · {{ b|money:0 }} · {{ c|money }}").render(
        Context({"a": Decimal("-11165.67"), "b": Decimal("2500.4"), "c": None})
    )
    assert out == "−$11,165.67 · $2,500 · —"


def test_a_rate_per_package_keeps_its_decimals_but_at_least_the_cents():
    assert format_money(Decimal("0.0750"), places=-4) == "$0.075"
    assert format_money(Decimal("0.1000"), places=-4) == "$0.10"
    assert format_money(Decimal("-2"), places=-4) == "−$2.00"
