"""Configuration: settings from the environment, logging, and shipped data."""
