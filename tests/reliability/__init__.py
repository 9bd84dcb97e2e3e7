"""Reliability and security: hostile queries, faults and load (issue 7).

Every test here runs on loopback only, with a fixed number of requests and
time bounds, so the whole folder finishes within a minute or two."""
