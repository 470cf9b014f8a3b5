"""Accounts: organisations, their users, registration, approval, certification, login."""
