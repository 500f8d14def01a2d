"""Long functions split into named steps stay split."""

import inspect

from routes.manifests import imports

LIMIT = 60


def test_the_manifest_row_checker_reads_as_named_steps_of_at_most_60_lines():
    lengths = {
        name: len(inspect.getsourcelines(member)[0])
        for name, member in inspect.getmembers(imports._RowChecker, inspect.isfunction)
    }
    assert {name: n for name, n in lengths.items() if n > LIMIT} == {}
    assert len(lengths) > 2  # check() delegates to steps, it is not the only method
