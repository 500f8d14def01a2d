import json
import math

import numpy as np
import pytest

from routes.optimizer import (
    EuclideanProvider,
    HaversineProvider,
    LatLon,
    OsrmTableProvider,
    Point,
    TravelTimeProvider,
)


def test_haversine_distance_and_time_for_one_degree_of_latitude():
    # given
    provider = HaversineProvider(circuity=1.0, speed_kmh=36.0)
    # when
    m = provider.matrices([LatLon(0.0, 0.0), LatLon(1.0, 0.0)])
    # then: one degree is R * pi / 180 metres; 36 km/h is 10 m/s.
    metres = 6_371_008.8 * math.pi / 180
    assert m.distance[0, 1] == round(metres)
    assert m.duration[0, 1] == math.ceil(metres / 10)
    assert m.distance[0, 0] == m.duration[1, 1] == 0
    assert np.array_equal(m.distance, m.distance.T)


def test_haversine_applies_circuity():
    plain = HaversineProvider(circuity=1.0).matrices([LatLon(10, 10), LatLon(10.1, 10.1)])
    winding = HaversineProvider(circuity=1.5).matrices([LatLon(10, 10), LatLon(10.1, 10.1)])
    assert winding.distance[0, 1] == pytest.approx(1.5 * plain.distance[0, 1], abs=1)


def test_euclidean_rounds_distance_and_rounds_time_up():
    # given: a 3-4-5 triangle and a diagonal of sqrt(2) = 1.41421...
    provider = EuclideanProvider(scale=100)
    # when
    m = provider.matrices([Point(0, 0), Point(3, 4), Point(1, 1)])
    # then
    assert m.distance[0, 1] == m.duration[0, 1] == 500
    assert m.distance[0, 2] == 141
    assert m.duration[0, 2] == 142


def test_providers_satisfy_the_protocol():
    for provider in (HaversineProvider(), EuclideanProvider(), OsrmTableProvider("http://x")):
        assert isinstance(provider, TravelTimeProvider)


def test_osrm_url_lists_lon_lat_pairs():
    provider = OsrmTableProvider("http://127.0.0.1:5000/")
    url = provider.table_url([LatLon(52.5, 13.4), LatLon(52.6, 13.5)])
    assert url == (
        "http://127.0.0.1:5000/table/v1/driving/13.400000,52.500000;13.500000,52.600000"
        "?annotations=distance,duration"
    )


def test_osrm_response_is_parsed_rounding_times_up():
    body = json.dumps(
        {"code": "Ok", "distances": [[0, 1500.4], [1499.6, 0]], "durations": [[0, 90.2], [88, 0]]}
    )
    m = OsrmTableProvider.parse(body, 2)
    assert m.distance.tolist() == [[0, 1500], [1500, 0]]
    assert m.duration.tolist() == [[0, 91], [88, 0]]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"code": "InvalidQuery", "message": "bad coords"}, "refused the table request: bad"),
        (
            {"code": "Ok", "distances": [[0, None], [1, 0]], "durations": [[0, 1], [1, 0]]},
            "no road",
        ),
        ({"code": "Ok", "distances": [[0]], "durations": [[0]]}, "no 2x2 distances"),
    ],
)
def test_osrm_errors_become_value_errors(body, message):
    with pytest.raises(ValueError, match=message):
        OsrmTableProvider.parse(json.dumps(body), 2)


def test_osrm_matrices_come_from_a_local_server():
    # A real HTTP round trip, on 127.0.0.1 only.
    import http.server
    import threading

    body = json.dumps(
        {"code": "Ok", "distances": [[0, 10], [10, 0]], "durations": [[0, 5], [5, 0]]}
    ).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        m = OsrmTableProvider(url, timeout_s=5).matrices([LatLon(0, 0), LatLon(0, 1)])
    finally:
        thread.join(5)
        server.server_close()
    assert m.duration.tolist() == [[0, 5], [5, 0]]
