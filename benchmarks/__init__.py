"""Benchmarks that print figures (speed, load) and the drawings they share with the tests.

The app never imports them."""
