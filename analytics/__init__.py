"""DSP analytics: completion, on-time, recurring problems, efficiency, leaderboard."""
