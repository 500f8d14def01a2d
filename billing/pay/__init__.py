"""Driver pay: the pay week, incentives and pay questions."""
