"""Re-planning: disruptions, re-plan jobs, proposals and their application."""
