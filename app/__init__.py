"""Assembling and running the PTB Application: builder, services, clock, concurrency."""
