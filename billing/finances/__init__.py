"""The owner's finances: expenses, settings, the cash projection and the market assessment."""
