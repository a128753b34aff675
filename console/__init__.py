"""The local chat console."""
