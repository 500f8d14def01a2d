"""Planning: the day problem for the solver, DSP availability, plan jobs and their runs, and
edits of planned routes."""
