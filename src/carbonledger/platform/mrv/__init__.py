"""MRV: activity-data submissions, calculation, encrypted evidence, verification, confirmation."""
