"""Compliance: obligations from confirmed reports, surrender, deadlines and penalties."""
