"""A phone resending one punch six times at once records one punch; every resend replays it."""

import threading

import pytest
from django.db import connection
from django.test import Client

from routes.models import ShiftPunch
from tests.routes.factories import driving_route


@pytest.mark.django_db(transaction=True)
def test_six_concurrent_resends_of_one_punch_give_one_punch_and_replays():
    # given: a driver about to clock in, and six copies of the same request
    route = driving_route(stops=1)
    body = {
        "route": route.pk,
        "kind": "clock_in",
        "idempotency_key": "phone-in-1",
        "vehicle_plate": route.vehicle.plate,
        "odometer_km": route.vehicle.odometer_km + 10,
    }
    barrier = threading.Barrier(6)
    answers = []

    def resend():
        try:
            client = Client()
            client.force_login(route.driver.user)
            barrier.wait()
            response = client.post("/api/v1/day/punches/", body)
            answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    # when: all six arrive together, each on its own connection
    threads = [threading.Thread(target=resend) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # then: one punch, and every answer carries that punch
    punch = ShiftPunch.objects.get(driver=route.driver)
    assert sorted(code for code, _ in answers) == [201] * 6
    assert {data["id"] for _, data in answers} == {punch.pk}
    assert punch.kind == "clock_in"
