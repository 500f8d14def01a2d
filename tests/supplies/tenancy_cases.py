"""Cross-DSP cases for supplies' pages and endpoints."""

from tests.supplies.factories import CatalogItemFactory, OrderFactory


def _order(dsp, driver_user):
    return {"pk": OrderFactory(dsp=dsp).pk}


def _item(dsp, driver_user):
    return {"pk": CatalogItemFactory().pk}


CASES = {
    "supplies:order-detail": _order,
    "api:supply-order-detail": _order,
}
POST_ONLY = {"api:supply-order-status"}
# The catalogue is the program's: every signed-in user reads published items; staff edit.
SHARED = {"api:supply-item-detail": _item}
STAFF_ONLY = {
    "supplies:item-edit": _item,
    "api:supply-order-status": _order,
}
